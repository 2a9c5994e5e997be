// The screen's bus reader: cluster status, node STATUS, event lines; signals only counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusMessage } from '@kubeblink/core';
import type { ClusterEvent } from '@kubeblink/schemas';
import { BusTail, eventLine } from '../src/tail.ts';

const at = new Date('2026-11-29T10:00:05Z');
const podEvent = (type: string, data: Record<string, unknown>) =>
  ({ specversion: '1.0', id: 'u/1/x', source: 's', type, time: at.toISOString(), data }) as unknown as ClusterEvent;

describe('eventLine', () => {
  it('a restart with its reason and exit code', () => {
    const e = podEvent('io.kubeblink.pod.restarted', {
      namespace: 'default',
      name: 'web-1',
      node: 'pi3-worker-1',
      status: 'Running',
      reason: 'Error',
      exitCode: 1,
    });
    assert.equal(eventLine(e, at), '10:00:05  pod.restarted    web-1 on pi3-worker-1  Running (Error, exit code 1)');
  });

  it('a node event', () => {
    const e = podEvent('io.kubeblink.node.notready', { name: 'pi3-worker-2', status: 'NotReady' });
    assert.equal(eventLine(e, at), '10:00:05  node.notready    pi3-worker-2  NotReady');
  });
});

describe('BusTail', () => {
  const msg = (parts: BusMessage['parts'], payload: unknown) =>
    ({ kind: parts.kind, topic: 't', parts, payload, retained: false }) as BusMessage;

  it('follows status and node states, keeps event lines, counts signals', () => {
    const lines: string[] = [];
    const tail = new BusTail({
      subscribe: async () => {},
      cluster: 'default',
      onLine: (l) => lines.push(l),
      now: () => at,
    });
    tail.handle(msg({ kind: 'clusterStatus', cluster: 'default' }, { state: 'ready' }));
    tail.handle(msg({ kind: 'clusterStatus', cluster: 'default' }, { state: 'ready' }));
    tail.handle(msg({ kind: 'nodeState', cluster: 'default', node: 'pi4-master' }, { status: 'Ready' }));
    tail.handle(
      msg(
        { kind: 'nodeEvents', cluster: 'default', node: 'pi4-master' },
        podEvent('io.kubeblink.pod.ready', { namespace: 'd', name: 'a', node: 'pi4-master', status: 'Running' }),
      ),
    );
    const signal = { kind: 'podSignals', cluster: 'default', node: 'pi4-master', namespace: 'd', pod: 'a' } as const;
    tail.handle(msg(signal, { type: 'io.kubeblink.app.request' }));
    tail.handle(msg(signal, { type: 'io.kubeblink.app.heartbeat' }));
    tail.handle(msg({ kind: 'nodeState', cluster: 'default', node: 'pi4-master' }, null));
    assert.equal(tail.clusterStatus, 'ready');
    assert.equal(tail.nodeStatus.has('pi4-master'), false);
    assert.deepEqual(lines, ['10:00:05  cluster ready', '10:00:05  pod.ready        d/a on pi4-master  Running']);
    assert.deepEqual(tail.events, lines);
    assert.deepEqual({ signals: tail.signals, requests: tail.requests }, { signals: 2, requests: 1 });
  });
});
