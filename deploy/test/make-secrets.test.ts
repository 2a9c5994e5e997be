// deploy/make-secrets.sh: password users for people, hashed into a Secret overlay, passwords kept
// out of every file kustomize renders. Runs the script for real into a temporary directory.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { DEPLOY_DIR, find, findKubectl, parseObjects, REPO_DIR } from './manifests.ts';

const script = join(DEPLOY_DIR, 'make-secrets.sh');
// A stand-in hasher with the users file's format, for checking the script's own work (files,
// modes, overlay). The real `kubeblink broker hash-password` is used below once the broker is there.
const STANDIN = `node -e "process.stdin.once('data',d=>console.log('scrypt$2$1$1$'+Buffer.from('saltsalt').toString('base64')+'$'+Buffer.from(d.toString().trim().padEnd(16,'.')).toString('base64')))"`;

const scratch = mkdtempSync(join(tmpdir(), 'kubeblink-secrets-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const tempDir = () => mkdtempSync(join(scratch, 'out-'));

function run(args: string[], hasher?: string) {
  const out = tempDir();
  const env = { ...process.env, ...(hasher ? { KUBEBLINK_HASH_PASSWORD: hasher } : {}) };
  execFileSync(script, ['--out', out, ...args], { env, stdio: 'pipe' });
  const rendered = execFileSync(findKubectl(), ['kustomize', out], { encoding: 'utf8' });
  return { out, rendered, objects: parseObjects(rendered) };
}

function usersOf(objects: ReturnType<typeof parseObjects>) {
  const spec = find(objects, 'Deployment', 'kubeblink-broker').spec.template.spec;
  const name = spec.volumes.find((v: { name: string }) => v.name === 'users').secret.secretName;
  return parse(Buffer.from(find(objects, 'Secret', name).data['users.yaml'], 'base64').toString('utf8'));
}

describe('make-secrets.sh', () => {
  test('hashes each user into the Secret the broker mounts; passwords only in mode-600 files', () => {
    const { out, rendered, objects } = run(['alice', 'bob:admin'], STANDIN);
    const users = usersOf(objects);
    assert.deepEqual(
      users.users.map((u: { username: string; role: string }) => [u.username, u.role]),
      [
        ['alice', 'reader'],
        ['bob', 'admin'],
      ],
    );
    assert.deepEqual(users.serviceAccounts[0], { namespace: 'kubeblink', name: 'kubeblink-watcher', role: 'watcher' });
    for (const name of ['alice', 'bob']) {
      const file = join(out, 'passwords', name);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const password = readFileSync(file, 'utf8').trim();
      assert.ok(password.length >= 20);
      assert.ok(!rendered.includes(password), 'no password in what kubectl applies');
      assert.ok(!rendered.includes(Buffer.from(password).toString('base64')), 'not even base64-encoded');
    }
    // Only one users Secret: the overlay replaced the password-free one.
    assert.equal(objects.filter((o) => o.kind === 'Secret').length, 1);
  });

  test('refuses an unknown role and a hasher that prints no hash', () => {
    const bad = spawnSync(script, ['--out', tempDir(), 'eve:root'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown role 'root'/);
    const env = { ...process.env, KUBEBLINK_HASH_PASSWORD: 'echo oops' };
    const r = spawnSync(script, ['--out', tempDir(), 'eve'], { encoding: 'utf8', env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /printed no scrypt hash/);
  });

  const broker = spawnSync('npx', ['--no-install', 'kubeblink', 'broker', 'hash-password'], {
    cwd: REPO_DIR,
    input: 'probe\n',
    encoding: 'utf8',
  });
  const hasBroker = broker.status === 0 && broker.stdout.startsWith('scrypt$');
  test('with the real `kubeblink broker hash-password`, each password verifies against its hash', {
    skip: hasBroker ? false : 'kubeblink broker hash-password is not there yet (branch broker)',
  }, async () => {
    const { out, objects } = run(['carol']);
    const password = readFileSync(join(out, 'passwords', 'carol'), 'utf8').trim();
    const hash = usersOf(objects).users[0].passwordHash;
    const pkg = ['@kubeblink', 'broker'].join('/');
    const { verifyPassword } = (await import(pkg)) as { verifyPassword(p: string, h: string): Promise<boolean> };
    assert.equal(await verifyPassword(password, hash), true);
    assert.equal(await verifyPassword(`${password}x`, hash), false);
  });
});
