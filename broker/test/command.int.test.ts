// The `kubeblink broker` command line: flags from the settings schema and the hash-password helper.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { verifyPassword } from '../src/password.ts';

const bin = join(import.meta.dirname, '..', '..', 'services', 'cli', 'bin', 'kubeblink.js');
const kubeblink = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input, timeout: 60_000 });

describe('kubeblink broker', () => {
  it('documents every setting as a flag with its variable and default', () => {
    const r = kubeblink(['broker', '--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const line of [
      /--port <n>\s+MQTT over TCP port.*\[KUBEBLINK_PORT\] \(default: 1883\)/,
      /--ws-port <n>/,
      /--users <value>/,
      /--allow-anonymous-read\s+Anonymous clients may subscribe, never publish/,
      /--max-payload <n>.*\(default: 262144\)/,
      /--persistence <auto\|memory\|level\|redis>/,
      /--drain-timeout <n>/,
      /hash-password/,
    ]) {
      assert.match(r.stdout.replace(/\n\s+/g, ' '), line);
    }
  });

  it('hash-password reads the password from standard input and prints a hash that verifies', async () => {
    const r = kubeblink(['broker', 'hash-password'], 's3cret pass\n');
    assert.equal(r.status, 0, r.stderr);
    const hash = r.stdout.trim();
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('s3cret pass', hash), true);
    assert.equal(await verifyPassword('s3cret', hash), false);
  });

  it('hash-password refuses an empty password', () => {
    const r = kubeblink(['broker', 'hash-password'], '');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /empty password/);
    assert.equal(r.stdout, '');
  });

  it('refuses to start --allow-anonymous on a non-loopback host without --allow-anonymous-on-network', () => {
    const args = ['broker', '--allow-anonymous', '--port', '0', '--ws-port', '-1', '--http-port', '0'];
    const r = kubeblink([...args, '--log-format', 'json']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--allow-anonymous on --host 0\.0\.0\.0 would make every client on the network an admin/);
  });

  it('exits 2 on invalid settings, naming where they came from', () => {
    const r = kubeblink(['broker', '--max-payload', '10', '--persistence', 'floppy']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /\/maxPayload must be >= 1024 \(from --max-payload\)/);
    assert.match(r.stderr, /\/persistence must be equal to one of the allowed values/);
  });
});
