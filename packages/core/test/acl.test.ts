import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canPublish, canSubscribe, type Principal } from '../src/acl.ts';

const T = {
  status: 'kubeblink/c/status',
  nodeState: 'kubeblink/c/nodes/n1/state',
  podState: 'kubeblink/c/nodes/n1/pods/demo/web-1/state',
  events: 'kubeblink/c/nodes/n1/events',
  ownSignals: 'kubeblink/c/nodes/n1/pods/demo/web-1/signals',
  otherSignals: 'kubeblink/c/nodes/n1/pods/demo/web-2/signals',
  ownStatus: (id: string) => `kubeblink/c/services/led/${id}/status`,
  outside: 'somewhere/else',
};

const ok = (d: { ok: boolean }) => d.ok;
const watcher: Principal = { role: 'watcher', clientId: 'w1' };
const app: Principal = { role: 'app', clientId: 'web-1', pod: { namespace: 'demo', name: 'web-1' } };
const reader: Principal = { role: 'reader', clientId: 'r1' };
const anon: Principal = { role: 'anonymous', clientId: 'a1' };
const admin: Principal = { role: 'admin', clientId: 'x' };

describe('acl: publish', () => {
  it('watcher: status, states, events; not signals', () => {
    for (const t of [T.status, T.nodeState, T.podState, T.events]) assert.ok(ok(canPublish(watcher, t)), t);
    assert.ok(!ok(canPublish(watcher, T.ownSignals)));
    assert.ok(!ok(canPublish(watcher, T.outside)));
  });
  it('app: only its own signals', () => {
    assert.ok(ok(canPublish(app, T.ownSignals)));
    for (const t of [T.otherSignals, T.events, T.podState, T.status, T.outside]) assert.ok(!ok(canPublish(app, t)), t);
    const ns: Principal = { ...app, pod: { namespace: 'demo', name: '*' } };
    assert.ok(ok(canPublish(ns, T.otherSignals)));
    assert.ok(!ok(canPublish(ns, 'kubeblink/c/nodes/n1/pods/other/web-1/signals')));
  });
  it('reader and anonymous publish nothing but (reader) own status', () => {
    for (const t of [T.status, T.podState, T.events, T.ownSignals]) {
      assert.ok(!ok(canPublish(reader, t)), t);
      assert.ok(!ok(canPublish(anon, t)), t);
    }
    assert.ok(!ok(canPublish(anon, T.ownStatus('a1'))));
  });
  it('every client may publish its own service status, never another', () => {
    for (const p of [watcher, app, reader]) {
      assert.ok(ok(canPublish(p, T.ownStatus(p.clientId))), p.role);
      assert.ok(!ok(canPublish(p, T.ownStatus('someone-else'))), p.role);
    }
  });
  it('cluster lists bind', () => {
    const w: Principal = { ...watcher, clusters: ['other'] };
    assert.ok(!ok(canPublish(w, T.status)));
    assert.ok(ok(canPublish(w, 'kubeblink/other/status')));
  });
  it('admin may do anything', () => assert.ok(ok(canPublish(admin, T.outside))));
});

describe('acl: subscribe', () => {
  it('readers and anonymous readers may watch the bus, also with #', () => {
    for (const p of [reader, anon]) {
      assert.ok(ok(canSubscribe(p, 'kubeblink/c/#')));
      assert.ok(ok(canSubscribe(p, '#')));
      assert.ok(!ok(canSubscribe(p, 'other/topic')));
    }
  });
  it('watcher within its cluster only; app not at all', () => {
    assert.ok(ok(canSubscribe(watcher, 'kubeblink/c/nodes/+/state')));
    assert.ok(!ok(canSubscribe(watcher, '#')));
    assert.ok(!ok(canSubscribe(watcher, 'kubeblink/+/status')));
    assert.ok(!ok(canSubscribe(app, 'kubeblink/c/#')));
  });
  it('reader with a cluster list', () => {
    const r: Principal = { ...reader, clusters: ['c'] };
    assert.ok(ok(canSubscribe(r, 'kubeblink/c/#')));
    assert.ok(!ok(canSubscribe(r, 'kubeblink/d/#')));
    assert.ok(!ok(canSubscribe(r, '#')));
  });
});
