// Narration wrapping: lines fit the width, continuation lines keep the line's indentation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wrap } from '../src/terminal-io.ts';

describe('wrap', () => {
  it('breaks long lines between words, keeping the indentation', () => {
    assert.equal(wrap('  one two three four', 12), '  one two\n  three four');
    assert.equal(wrap('short\nalso short', 12), 'short\nalso short');
  });

  it('leaves a word longer than the width whole', () => {
    assert.equal(wrap('a kubeblink-demo-node-failure b', 10), 'a\nkubeblink-demo-node-failure\nb');
  });
});
