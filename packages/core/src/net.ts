// Ports for processes we start ourselves (daemons of the simulated cluster, the pod runner's health
// endpoint, test brokers): the kernel picks a free one.
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. Another process could take it before ours binds it; the window is
 * small and a start-up that then fails says so loudly. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
