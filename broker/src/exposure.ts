// `--allow-anonymous` makes every anonymous client an admin: fine on a developer's loopback, an open
// door on a classroom network (issue 15 case 6: the README's quick start ran it on 0.0.0.0). So it
// is refused on any other address unless `--allow-anonymous-on-network` says that this is wanted
// (docker-compose.yml: the broker binds 0.0.0.0 inside its container, published on the host's
// 127.0.0.1 only).
import { isIP } from 'node:net';

/** Whether a listen address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** Why these settings must not start, or undefined. */
export function anonymousExposure(s: {
  host: string;
  allowAnonymous: boolean;
  allowAnonymousOnNetwork: boolean;
}): string | undefined {
  if (!s.allowAnonymous || s.allowAnonymousOnNetwork || isLoopback(s.host)) return undefined;
  return `--allow-anonymous on --host ${s.host} would make every client on the network an admin: bind --host 127.0.0.1, or add --allow-anonymous-on-network if that is really wanted`;
}
