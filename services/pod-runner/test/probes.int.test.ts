// HTTP and TCP probes against a real server on a loopback port.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { PROBE_USER_AGENT, runProbe } from '../src/probes.ts';

describe('runProbe against a real server', () => {
  it('counts 200-399 as success, anything else or no answer as failure, and sends kube-probe headers', async () => {
    const seen: Record<string, string | undefined>[] = [];
    const server = createServer((req, res) => {
      seen.push({ ua: req.headers['user-agent'], custom: req.headers['x-probe'] as string | undefined });
      const code = Number(req.url?.slice(1)) || 200;
      if (code === 999) return; // never answers: the timeout decides
      res.writeHead(code).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const http = (path: string) => ({
      kind: 'http' as const,
      scheme: 'http' as const,
      port,
      path,
      headers: { 'X-Probe': 'yes' },
    });
    try {
      assert.equal(await runProbe(http('/200'), port, 1000), true);
      assert.equal(await runProbe(http('/302'), port, 1000), true);
      assert.equal(await runProbe(http('/503'), port, 1000), false);
      assert.equal(await runProbe(http('/999'), port, 200), false);
      assert.equal(await runProbe({ kind: 'tcp', port }, port, 1000), true);
      assert.deepEqual(seen[0], { ua: PROBE_USER_AGENT, custom: 'yes' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    assert.equal(await runProbe({ kind: 'tcp', port }, port, 1000), false); // nothing listens any more
  });
});
