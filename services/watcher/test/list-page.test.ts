import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseListPage } from '../src/source/list-page.ts';

type Head = { kind?: string; metadata?: { continue?: string; resourceVersion?: string }; items?: unknown[] };
const all = (body: string) => {
  const page = parseListPage<Head>(body);
  return { head: page.head, count: page.count, items: [...page.items()] };
};

describe('parseListPage', () => {
  it('yields every item as JSON.parse would, and the page head without them', () => {
    const page = {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '42', continue: 'abc' },
      items: [
        { metadata: { name: 'a', labels: { 'x[': '}{' } }, spec: { containers: [{ name: 'c', args: ['"]}', '\\'] }] } },
        { metadata: { name: 'b\u00e9\ud83d\ude00' }, status: { conditions: [] } },
        {},
      ],
    };
    for (const body of [JSON.stringify(page), JSON.stringify(page, null, 2)]) {
      const r = all(body);
      assert.deepEqual(r.items, page.items);
      assert.equal(r.count, 3);
      assert.deepEqual(r.head, { ...page, items: [] });
    }
  });

  it('finds the items after other top-level arrays and objects, and with metadata after them', () => {
    const body = '{"a":[[1],{"items":[5]}],"items" : [{"n":1},{"n":2}],"metadata":{"resourceVersion":"7"}}';
    const r = all(body);
    assert.deepEqual(r.items, [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(r.head, { a: [[1], { items: [5] }], items: [], metadata: { resourceVersion: '7' } });
  });

  it('falls back to a whole parse for an empty page or items that are not objects', () => {
    assert.deepEqual(all('{"items":[],"metadata":{}}'), { head: { items: [], metadata: {} }, count: 0, items: [] });
    assert.deepEqual(all('{"items":[1,{"a":1}]}').items, [1, { a: 1 }]);
    assert.deepEqual(all('{"items":[{"a":1},"x"]}').items, [{ a: 1 }, 'x']);
    assert.deepEqual(all('{"metadata":{}}'), { head: { metadata: {} }, count: 0, items: [] });
  });

  it('reports a malformed page as JSON.parse does', () => {
    assert.throws(() => parseListPage('{"items":[{"a":1}'), SyntaxError);
    assert.throws(() => parseListPage('not json'), SyntaxError);
  });
});
