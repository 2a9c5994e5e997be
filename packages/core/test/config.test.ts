import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, envName, loadSettings, optionSpecs } from '../src/config.ts';

describe('settings', () => {
  it('fills defaults from the schema', () => {
    const s = loadSettings('ledSettings', { flags: { node: 'pi3-worker-1' }, env: {} });
    assert.equal(s.httpPort, 9104);
    assert.equal(s.board, 'auto');
    assert.equal(s.layout, 'talk');
    assert.equal(s.broker, 'mqtt://localhost:1883');
    assert.equal(s.cluster, 'default');
  });

  it('applies flag > environment > file > default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-config-'));
    const file = join(dir, 'led.yaml');
    writeFileSync(file, 'node: from-file\nhttp-port: 1111\ncluster: filecluster\nboard: virtual\n');
    const s = loadSettings('ledSettings', {
      flags: { config: file, node: 'from-flag' },
      env: { KUBEBLINK_HTTP_PORT: '2222', KUBEBLINK_NODE: 'from-env' },
    });
    assert.equal(s.node, 'from-flag');
    assert.equal(s.httpPort, 2222, 'environment beats the file, coerced to a number');
    assert.equal(s.cluster, 'filecluster');
    assert.equal(s.board, 'virtual');
  });

  it('reads the config file path from KUBEBLINK_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-config-'));
    const file = join(dir, 'w.yaml');
    writeFileSync(file, 'namespace: demo\n');
    assert.equal(loadSettings('watcherSettings', { env: { KUBEBLINK_CONFIG: file } }).namespace, 'demo');
  });

  it('lists every problem at once, with where each value came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'board: teapot\nbogus: 1\n');
    try {
      loadSettings('ledSettings', { flags: { config: file }, env: { KUBEBLINK_HTTP_PORT: 'eighty' } });
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const all = err.problems.join('\n');
      assert.match(all, /must have required property 'node'/);
      assert.match(
        all,
        /\/board must be equal to one of the allowed values: auto, raspi, gpiochip, virtual \(from .*bad\.yaml: board\)/,
      );
      assert.match(all, /\/httpPort must be integer \(from KUBEBLINK_HTTP_PORT\)/);
      assert.match(all, /must NOT have additional properties 'bogus'/);
      assert.equal(err.problems.length, 4);
    }
  });

  it('reports an unreadable or malformed file', () => {
    assert.throws(
      () => loadSettings('watcherSettings', { flags: { config: '/nonexistent/kb.yaml' }, env: {} }),
      /config file \/nonexistent\/kb.yaml: ENOENT/,
    );
  });

  it('derives flags and environment names from the schema', () => {
    const specs = optionSpecs('brokerSettings');
    const anon = specs.find((s) => s.key === 'allowAnonymousRead');
    assert.deepEqual(
      { flag: anon?.flag, env: anon?.env, type: anon?.type, default: anon?.default },
      { flag: '--allow-anonymous-read', env: 'KUBEBLINK_ALLOW_ANONYMOUS_READ', type: 'boolean', default: false },
    );
    const port = specs.find((s) => s.key === 'httpPort');
    assert.equal(port?.default, 9102);
    assert.equal(port?.type, 'integer');
    assert.match(port?.description ?? '', /healthz/);
    assert.equal(envName('wsPort'), 'KUBEBLINK_WS_PORT');
  });
});
