import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { buildPodStatus, type ContainerView, kubeTime, podPhase } from '../src/kubelet-pod-status.ts';
import { commandLine } from '../src/process.ts';

const t0 = new Date('2026-11-29T07:00:00.250Z');
const t1 = new Date('2026-11-29T07:00:05Z');
const pod: V1Pod = {
  metadata: { name: 'web-1', namespace: 'demo', uid: 'u1' },
  spec: { containers: [{ name: 'app', image: 'kubeblink/demo-app:v1' }], restartPolicy: 'Always' },
  status: {
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: t0 },
      { type: 'Ready', status: 'False', lastTransitionTime: '2026-11-29T06:59:00Z' as unknown as Date },
    ],
  },
};
const running = (ready: boolean): ContainerView => ({
  name: 'app',
  image: 'docker.io/kubeblink/demo-app:v1',
  imageID: 'docker.io/kubeblink/demo-app@sha256:ab',
  containerID: 'kubeblink-sim://c1',
  state: { running: { startedAt: kubeTime(t0) } },
  ready,
  started: true,
  restartCount: 0,
});
const crashLooping: ContainerView = {
  ...running(false),
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s ...' } },
  lastState: { terminated: { exitCode: 3, reason: 'Error' } },
  started: false,
  restartCount: 2,
};

describe('pod status (kubelet generateAPIPodStatus)', () => {
  it('phase follows getPhase', () => {
    const waiting: ContainerView = { ...running(false), state: { waiting: { reason: 'ErrImagePull' } } };
    const done = (exitCode: number): ContainerView => ({ ...running(false), state: { terminated: { exitCode } } });
    assert.equal(podPhase('Always', [waiting]), 'Pending');
    assert.equal(podPhase('Always', [running(true)]), 'Running');
    assert.equal(podPhase('Always', [crashLooping]), 'Running');
    assert.equal(podPhase('Always', [done(1)]), 'Running');
    assert.equal(podPhase('OnFailure', [done(1)]), 'Running');
    assert.equal(podPhase('OnFailure', [done(0)]), 'Succeeded');
    assert.equal(podPhase('Never', [done(1)]), 'Failed');
    assert.equal(podPhase('Never', [done(0), running(true)]), 'Running');
    assert.equal(podPhase('Always', [done(0)], true), 'Succeeded'); // deleted, exited cleanly
    assert.equal(podPhase('Always', [done(143)], true), 'Failed');
  });

  it('writes a ready pod: conditions True with whole-second times, IPs, container status', () => {
    const s = buildPodStatus(
      pod,
      { containers: [running(true)], podIP: '10.246.0.1', hostIP: '127.0.0.1', startTime: t0 },
      t1,
    );
    assert.equal(s.phase, 'Running');
    assert.equal(s.podIP, '10.246.0.1');
    assert.deepEqual(s.podIPs, [{ ip: '10.246.0.1' }]);
    assert.deepEqual(s.hostIPs, [{ ip: '127.0.0.1' }]);
    assert.equal(s.startTime, '2026-11-29T07:00:00Z');
    const ready = s.conditions?.find((c) => c.type === 'Ready');
    // Ready changed (False -> True): the transition time is now; reason and message are cleared.
    assert.deepEqual(ready, {
      type: 'Ready',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: '2026-11-29T07:00:05Z',
      reason: null,
      message: null,
    });
    assert.deepEqual(
      s.conditions?.map((c) => `${c.type}=${c.status}`),
      ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True'],
    );
    assert.deepEqual(s.containerStatuses?.[0], {
      name: 'app',
      state: { running: { startedAt: '2026-11-29T07:00:00Z' } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: 'docker.io/kubeblink/demo-app:v1',
      imageID: 'docker.io/kubeblink/demo-app@sha256:ab',
      started: true,
      containerID: 'kubeblink-sim://c1',
    });
  });

  it('keeps lastTransitionTime of an unchanged condition and explains an unready pod', () => {
    const s = buildPodStatus(pod, { containers: [crashLooping], startTime: t0 }, t1);
    const ready = s.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.lastTransitionTime, '2026-11-29T06:59:00Z');
    assert.equal(ready?.reason, 'ContainersNotReady');
    assert.equal(ready?.message, 'containers with unready status: [app]');
    assert.equal(s.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 3);
    assert.equal(s.podIP, undefined);
  });
});

describe('container command line (the image: ENTRYPOINT kubeblink, CMD demo-app)', () => {
  it('runs the default, args, or a kubeblink command; anything else cannot start', () => {
    assert.deepEqual(commandLine({ name: 'a' }), ['demo-app']);
    assert.deepEqual(commandLine({ name: 'a', args: ['demo-app', '--burn-ms', '5'] }), ['demo-app', '--burn-ms', '5']);
    assert.deepEqual(commandLine({ name: 'a', command: ['/usr/local/bin/kubeblink', 'demo-app'] }), ['demo-app']);
    assert.deepEqual(
      commandLine({ name: 'a', command: ['node', 'services/cli/bin/kubeblink.js'], args: ['demo-app'] }),
      ['demo-app'],
    );
    assert.deepEqual(commandLine({ name: 'a', command: ['sh', '-c', 'x'] }), {
      error: 'exec: "sh": executable file not found in $PATH',
    });
  });
});
