// TLS on both listeners from certificate files: mqtts:// (MQTT.js and mosquitto_sub) and wss://.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { MosquittoSub } from '@kubeblink/test/support/mosquitto';
import { MOSQUITTO_CLIENTS, needTool, OPENSSL } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { startTestBroker, type TestBroker } from '../src/testing.ts';
import { client, subscribe, subscribed } from './helpers.ts';

const run = promisify(execFile);
const admin = { username: 'admin', password: 'admin-pw' };

describe('TLS', { skip: needTool(OPENSSL) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeblink-tls-'));
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  let b: TestBroker;
  let ca: Buffer;

  before(async () => {
    // A self-signed certificate for 127.0.0.1, as a cert-manager Secret would provide.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=kubeblink-broker',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    ca = readFileSync(cert);
    b = await startTestBroker({ users: [{ ...admin, role: 'admin' }], settings: { tlsCert: cert, tlsKey: key } });
  });
  after(async () => {
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks MQTT over TLS to MQTT.js (mqtts and wss) and to mosquitto_sub', {
    skip: needTool(MOSQUITTO_CLIENTS),
  }, async () => {
    const ready = subscribed(b.broker.aedes!, 'tls/#');
    const sub = new MosquittoSub(b.port, ['tls/#'], ['-u', admin.username, '-P', admin.password, '--cafile', cert]);
    try {
      await ready;
      const wss = await client(`wss://127.0.0.1:${b.wsPort}`, { ...admin, ca });
      await subscribe(wss, 'tls/#');
      const mqtts = await client(`mqtts://127.0.0.1:${b.port}`, { ...admin, ca });
      mqtts.client.publish('tls/hello', 'over tls');
      await until(() => wss.received.length === 1, 'wss delivery');
      assert.deepEqual(wss.received[0], { topic: 'tls/hello', payload: 'over tls', retain: false, qos: 0 });
      const m = await sub.waitFor((x) => x.topic === 'tls/hello');
      assert.equal(m.payload, 'over tls');
      await Promise.all([wss.end(), mqtts.end()]);
    } finally {
      sub.stop();
    }
  });

  it('refuses plain MQTT on the TLS port', async () => {
    await assert.rejects(client(`mqtt://127.0.0.1:${b.port}`, { ...admin, connectTimeout: 2000 }));
  });
});
