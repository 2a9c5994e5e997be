import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildTopic,
  filters,
  parseTopic,
  TOPIC_CONTRACT,
  TopicError,
  type TopicParts,
  topicMatches,
  UNSCHEDULED,
} from '../src/topics.ts';

const cases: [TopicParts, string][] = [
  [{ kind: 'clusterStatus', cluster: 'default' }, 'kubeblink/default/status'],
  [{ kind: 'nodeState', cluster: 'pis', node: 'pi3-worker-1' }, 'kubeblink/pis/nodes/pi3-worker-1/state'],
  [{ kind: 'nodeEvents', cluster: 'pis', node: 'pi3-worker-1' }, 'kubeblink/pis/nodes/pi3-worker-1/events'],
  [
    { kind: 'podState', cluster: 'pis', node: UNSCHEDULED, namespace: 'demo', pod: 'web-1' },
    'kubeblink/pis/nodes/_unscheduled/pods/demo/web-1/state',
  ],
  [
    { kind: 'podSignals', cluster: 'pis', node: 'n1', namespace: 'demo', pod: 'web-1' },
    'kubeblink/pis/nodes/n1/pods/demo/web-1/signals',
  ],
  [
    { kind: 'serviceStatus', cluster: 'pis', service: 'led', instance: 'led-n1' },
    'kubeblink/pis/services/led/led-n1/status',
  ],
];

describe('topics', () => {
  for (const [parts, topic] of cases) {
    it(`builds and parses ${parts.kind}`, () => {
      assert.equal(buildTopic(parts), topic);
      assert.deepEqual(parseTopic(topic), parts);
    });
  }

  for (const bad of ['a+b', 'a#', 'a/b', '', '+', '#', 'nul\u0000']) {
    it(`rejects segment ${JSON.stringify(bad)} in every position`, () => {
      assert.throws(() => buildTopic({ kind: 'clusterStatus', cluster: bad }), TopicError);
      assert.throws(() => buildTopic({ kind: 'nodeState', cluster: 'c', node: bad }), TopicError);
      assert.throws(
        () => buildTopic({ kind: 'podState', cluster: 'c', node: 'n', namespace: bad, pod: 'p' }),
        TopicError,
      );
      assert.throws(
        () => buildTopic({ kind: 'podSignals', cluster: 'c', node: 'n', namespace: 'ns', pod: bad }),
        TopicError,
      );
      assert.throws(
        () => buildTopic({ kind: 'serviceStatus', cluster: 'c', service: 'led', instance: bad }),
        TopicError,
      );
    });
  }

  it('rejects non-strings and over-long segments', () => {
    assert.throws(
      () => buildTopic({ kind: 'nodeState', cluster: 'c', node: undefined as unknown as string }),
      TopicError,
    );
    assert.throws(() => buildTopic({ kind: 'nodeState', cluster: 'c', node: 'x'.repeat(254) }), TopicError);
  });

  it('parses nothing outside the contract', () => {
    for (const t of [
      'kubeblink/default',
      'kubeblink/default/nodes/n1',
      'kubeblink/default/nodes/n1/pods/ns/p',
      'kubeblink/default/nodes/n1/pods/ns/p/logs',
      'kubeblink/default/nodes/+/state',
      'kubeblink//status',
      'other/default/status',
      'kubeblink/default/services/led/status',
    ]) {
      assert.equal(parseTopic(t), null, t);
    }
  });

  it('has the contract of docs/design.md', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(TOPIC_CONTRACT).map(([k, c]) => [k, [c.retain, c.qos]])), {
      clusterStatus: [true, 1],
      nodeState: [true, 1],
      podState: [true, 1],
      nodeEvents: [false, 1],
      podSignals: [false, 0],
      serviceStatus: [true, 1],
    });
  });

  it('builds filters that match their topics', () => {
    assert.equal(filters.node('c', 'n1'), 'kubeblink/c/nodes/n1/#');
    assert.ok(topicMatches(filters.node('c', 'n1'), 'kubeblink/c/nodes/n1/pods/ns/p/state'));
    assert.ok(topicMatches(filters.node('c', 'n1'), 'kubeblink/c/nodes/n1/state'));
    assert.ok(!topicMatches(filters.node('c', 'n1'), 'kubeblink/c/nodes/n10/state'));
    assert.ok(topicMatches(filters.podStates('c'), 'kubeblink/c/nodes/_unscheduled/pods/ns/p/state'));
    assert.ok(!topicMatches(filters.podStates('c'), 'kubeblink/c/nodes/n/pods/ns/p/signals'));
    assert.ok(topicMatches(filters.nodeStates('c'), 'kubeblink/c/nodes/n/state'));
    assert.ok(topicMatches('a/#', 'a'), 'MQTT 4.7.1.2: sport/# matches sport');
    assert.ok(!topicMatches('#', '$SYS/x'), 'MQTT 4.7.2: wildcards do not match $ topics');
    assert.throws(() => filters.node('c', '+'), TopicError);
  });
});
