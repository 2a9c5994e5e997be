// Pure logic of the kit with fake time: routing by pattern, dropping duplicate events, and the
// resync that removes what the broker no longer retains.
import assert from 'node:assert/strict';
import { it, mock } from 'node:test';
import type { BusMessage } from '@kubeblink/core/decode';
import { nodeEvent, nodeState, podEvent, podState } from '@kubeblink/test/support/cluster-fixtures';
import { Subscriber } from '../src/subscriber.ts';

const C = 'c';
const nodeMsg = (node: string, retained = true): BusMessage => ({
  kind: 'nodeState',
  topic: `kubeblink/${C}/nodes/${node}/state`,
  parts: { kind: 'nodeState', cluster: C, node },
  payload: nodeState(node),
  retained,
});
const podMsg = (node: string, name: string, present = true): BusMessage => ({
  kind: 'podState',
  topic: `kubeblink/${C}/nodes/${node}/pods/demo/${name}/state`,
  parts: { kind: 'podState', cluster: C, node, namespace: 'demo', pod: name },
  payload: present ? podState('demo', name, node) : null,
  retained: true,
});
const eventMsg = (payload: ReturnType<typeof podEvent> | ReturnType<typeof nodeEvent>, node: string): BusMessage => ({
  kind: 'nodeEvents',
  topic: `kubeblink/${C}/nodes/${node}/events`,
  parts: { kind: 'nodeEvents', cluster: C, node },
  payload,
  retained: false,
});

it('routes events to exact, group and catch-all handlers once per id', () => {
  const sub = new Subscriber({ cluster: C });
  const seen: string[] = [];
  sub.on('io.kubeblink.pod.ready', (e) => {
    seen.push(`exact ${e.data.name}`);
  });
  sub.on('io.kubeblink.pod.*', (e) => {
    seen.push(`pods ${e.type}`);
  });
  sub.on('io.kubeblink.node.*', (e) => {
    seen.push(`nodes ${e.data.name}`);
  });
  sub.on('*', (e) => {
    seen.push(`all ${e.type}`);
  });
  const ready = podEvent('io.kubeblink.pod.ready', podState('demo', 'web-1', 'n1'));
  sub.handle(eventMsg(ready, 'n1'));
  sub.handle(eventMsg(ready, 'n1'));
  sub.handle(eventMsg(nodeEvent('io.kubeblink.node.notready', nodeState('n1')), 'n1'));
  assert.deepEqual(seen, [
    'exact web-1',
    'pods io.kubeblink.pod.ready',
    'all io.kubeblink.pod.ready',
    'nodes n1',
    'all io.kubeblink.node.notready',
  ]);
  assert.equal(sub.router.duplicates, 1);
});

it('a throwing handler is reported and does not stop the others', () => {
  const errors: unknown[] = [];
  const sub = new Subscriber({ cluster: C, onError: (e) => errors.push(e) });
  let reached = false;
  sub.on('*', () => {
    throw new Error('boom');
  });
  sub.on('*', () => {
    reached = true;
  });
  sub.handle(eventMsg(podEvent('io.kubeblink.pod.started', podState('demo', 'a', 'n1')), 'n1'));
  assert.equal(reached, true);
  assert.match(String(errors[0]), /boom/);
});

it('asks for the signal subscription when the first signal handler arrives', () => {
  const sub = new Subscriber({ cluster: C });
  let asked = 0;
  sub.onSignalsWanted = () => asked++;
  assert.equal(sub.subscriptions().length, 4);
  sub.onSignal('request', () => {});
  sub.onSignal('heartbeat', () => {});
  assert.equal(asked, 1);
  assert.deepEqual(sub.subscriptions().at(-1), { filter: `kubeblink/${C}/nodes/+/pods/+/+/signals`, qos: 0 });
});

it('after a reconnect without a session, removes what was not resent once the retained burst settles', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sub = new Subscriber({ cluster: C, settleMs: 500 });
    let synced = 0;
    sub.onSynced(() => synced++);
    sub.connected(false);
    sub.subscribed();
    for (const m of [nodeMsg('n1'), nodeMsg('n2'), podMsg('n1', 'a'), podMsg('n2', 'b')]) sub.handle(m);
    mock.timers.tick(499);
    assert.equal(sub.isSynced, false);
    mock.timers.tick(1);
    assert.equal(synced, 1);
    // Reconnect: only n1 and pod a come back; stale entries stay visible until the burst settles.
    sub.connected(false);
    sub.subscribed();
    sub.handle(nodeMsg('n1'));
    mock.timers.tick(400);
    sub.handle(podMsg('n1', 'a'));
    mock.timers.tick(400); // the retained message re-armed the window
    assert.deepEqual(
      sub.model.nodes().map((n) => n.name),
      ['n1', 'n2'],
    );
    mock.timers.tick(100);
    assert.deepEqual(
      sub.model.nodes().map((n) => n.name),
      ['n1'],
    );
    assert.deepEqual(
      sub.model.pods().map((p) => p.name),
      ['a'],
    );
    // With a session present nothing is swept.
    sub.connected(true);
    sub.subscribed();
    mock.timers.tick(500);
    assert.equal(sub.model.pods().length, 1);
    assert.equal(synced, 3);
  } finally {
    mock.timers.reset();
  }
});

it('a tombstone and a deleted event both remove; the model is keyed like the retained topics', () => {
  const sub = new Subscriber({ cluster: C });
  sub.handle(podMsg('_unscheduled', 'a'));
  sub.handle(podMsg('n1', 'a'));
  assert.equal(sub.model.pod('demo', 'a')?.node, 'n1', 'the scheduled entry wins while both exist');
  assert.deepEqual(Object.keys(sub.model.toTopics()), [
    `kubeblink/${C}/nodes/_unscheduled/pods/demo/a/state`,
    `kubeblink/${C}/nodes/n1/pods/demo/a/state`,
  ]);
  sub.handle(podMsg('_unscheduled', 'a', false));
  assert.equal(sub.model.pods().length, 1);
  sub.handle(eventMsg(podEvent('io.kubeblink.pod.deleted', podState('demo', 'a', 'n1')), 'n1'));
  assert.equal(sub.model.pods().length, 0);
});
