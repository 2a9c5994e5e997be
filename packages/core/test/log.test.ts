import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.ts';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('binds service and module and redacts secrets', () => {
    const { lines, stream } = sink();
    const log = createLogger({ service: 'broker', format: 'json', destination: stream }).child({ module: 'auth' });
    log.info({ username: 'u', password: 'hunter2', settings: { password: 's3cret' }, user: { token: 'abc' } }, 'login');
    const entry = JSON.parse(lines.join(''));
    assert.equal(entry.service, 'broker');
    assert.equal(entry.module, 'auth');
    assert.equal(entry.username, 'u');
    assert.equal(entry.password, '[redacted]');
    assert.equal(entry.settings.password, '[redacted]');
    assert.equal(entry.user.token, '[redacted]');
    assert.doesNotMatch(lines.join(''), /hunter2|s3cret|abc/);
  });

  it('writes human-readable lines when asked', () => {
    const { lines, stream } = sink();
    createLogger({ service: 'led', format: 'pretty', destination: stream }).warn({ password: 'pw' }, 'hello');
    const text = lines.join('');
    assert.match(text, /hello/);
    assert.doesNotMatch(text, /"pw"|: pw/);
  });
});
