// What the status LED tells: the broker connection, the watcher's cluster status, this node's Ready
// condition and slot overflow, each with the time it changed (the anchor of its pattern). Also decides
// when the picture is stale (broker lost or watcher offline).
import type { ClusterStatus } from '@kubeblink/schemas';
import type { PatternName } from './patterns.ts';

export type ClusterState = ClusterStatus['state'] | null;

export class BoardHealth {
  connected = false;
  cluster: ClusterState = null;
  nodeReady = true;
  /** When the picture became stale (anchor of the on/off stale mask). */
  staleSince = 0;
  private connectedSince = 0;
  private clusterSince = 0;
  private nodeSince = 0;
  private overflowing = false;
  private overflowSince = 0;

  /** The broker is lost or no watcher publishes: what is shown may be out of date. */
  get stale(): boolean {
    return !this.connected || this.cluster === 'offline';
  }

  /** Returns whether the connection state changed. */
  setConnected(connected: boolean, now: number): boolean {
    if (connected === this.connected) return false;
    this.change(now, () => {
      this.connected = connected;
      this.connectedSince = now;
    });
    return true;
  }

  setCluster(state: ClusterState, now: number): void {
    if (state === this.cluster) return;
    this.change(now, () => {
      this.cluster = state;
      this.clusterSince = now;
    });
  }

  setNodeReady(ready: boolean, now: number): void {
    if (ready === this.nodeReady) return;
    this.nodeReady = ready;
    this.nodeSince = now;
  }

  setOverflowing(overflowing: boolean, now: number): void {
    if (overflowing && !this.overflowing) this.overflowSince = now;
    this.overflowing = overflowing;
  }

  /** Status LED priorities: broker lost, watcher offline, node not ready, syncing, overflow, all well. */
  pattern(): { name: PatternName; anchor: number } {
    if (!this.connected) return { name: 'statusBrokerLost', anchor: this.connectedSince };
    if (this.cluster === 'offline') return { name: 'statusWatcherOffline', anchor: this.clusterSince };
    if (!this.nodeReady) return { name: 'statusNodeNotReady', anchor: this.nodeSince };
    if (this.cluster !== 'ready') {
      return { name: 'statusSyncing', anchor: Math.max(this.clusterSince, this.connectedSince) };
    }
    if (this.overflowing) return { name: 'statusOverflow', anchor: this.overflowSince };
    return { name: 'steady', anchor: 0 };
  }

  private change(now: number, apply: () => void): void {
    const wasStale = this.stale;
    apply();
    if (!wasStale && this.stale) this.staleSince = now;
  }
}
