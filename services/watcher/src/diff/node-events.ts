// Node transitions (docs/design.md): the Ready condition (True: ready, False: notready, Unknown:
// unreachable), spec.unschedulable (cordoned/uncordoned), added and deleted. `prev` undefined: a node
// that appeared after the initial sync, compared against "Ready unknown, schedulable".
import type { NodeEvent } from '@kubeblink/schemas';
import type { NodeRecord } from '../derive/node-state.ts';
import { type EventContext, nodeEvent } from './cloudevent.ts';

export function nodeEvents(ctx: EventContext, prev: NodeRecord | undefined, next: NodeRecord): NodeEvent[] {
  const s = next.state;
  const events: NodeEvent[] = [];
  if (!prev) events.push(nodeEvent(ctx, next, 'io.kubeblink.node.added', s.createdAt));
  const wasReady = prev?.state.ready ?? 'Unknown';
  if (s.ready !== wasReady) {
    const type =
      s.ready === 'True'
        ? 'io.kubeblink.node.ready'
        : s.ready === 'False'
          ? 'io.kubeblink.node.notready'
          : 'io.kubeblink.node.unreachable';
    events.push(nodeEvent(ctx, next, type));
  }
  const wasCordoned = prev?.state.unschedulable ?? false;
  if (s.unschedulable && !wasCordoned) events.push(nodeEvent(ctx, next, 'io.kubeblink.node.cordoned'));
  if (!s.unschedulable && wasCordoned) events.push(nodeEvent(ctx, next, 'io.kubeblink.node.uncordoned'));
  return events;
}

export function nodeDeletedEvent(ctx: EventContext, last: NodeRecord): NodeEvent {
  return nodeEvent(ctx, last, 'io.kubeblink.node.deleted');
}
