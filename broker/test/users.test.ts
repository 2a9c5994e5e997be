import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUsers, UsersFileError } from '../src/users.ts';

const HASH = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==';
const user = (username: string, role = 'reader', extra = '') =>
  `  - username: ${username}\n    passwordHash: "${HASH}"\n    role: ${role}\n${extra}`;
const file = (...users: string[]) => `users:\n${users.join('')}`;

describe('parseUsers', () => {
  it('reads users and ServiceAccount roles', () => {
    const t = parseUsers(
      `${file(user('class'), user('web-1', 'app', '    pod: { namespace: demo, name: web-1 }\n'))}serviceAccounts:\n  - { namespace: kubeblink, name: watcher, role: watcher }\n`,
      'users.yaml',
    );
    assert.deepEqual([...t.users.keys()], ['class', 'web-1']);
    assert.deepEqual(t.users.get('web-1')?.pod, { namespace: 'demo', name: 'web-1' });
    assert.deepEqual(t.serviceAccounts, [{ namespace: 'kubeblink', name: 'watcher', role: 'watcher' }]);
  });

  it('lists every problem: schema, duplicates, an app without its pod, bad scrypt parameters', () => {
    const bad = file(
      user('a'),
      user('a'),
      user('b', 'app'),
      '  - username: c\n    passwordHash: "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=="\n    role: reader\n',
    );
    assert.throws(
      () => parseUsers(bad, 'users.yaml'),
      (err: Error) =>
        err instanceof UsersFileError &&
        /duplicate username a/.test(err.message) &&
        /role app needs a pod/.test(err.message) &&
        /power of two/.test(err.message),
    );
    assert.throws(() => parseUsers(file(user('x', 'root')), 'u'), /must be equal to one of the allowed values/);
    assert.throws(() => parseUsers('users: [', 'u'), /not YAML/);
  });
});
