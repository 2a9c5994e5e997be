// The crafted pod statuses of the kubectl parity test: one per branch of printPod (see
// parity.cluster.test.ts), written through the API's status subresource.
// biome-ignore lint/suspicious/noExplicitAny: API JSON in tests
type Json = any;

const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

const run = (startedAt = ago(10)) => ({ running: { startedAt } });
export const wait = (reason: string) => ({ waiting: { reason } });
const term = (reason: string | null, exitCode: number, signal?: number) => ({
  terminated: {
    ...(reason ? { reason } : {}),
    exitCode,
    ...(signal ? { signal } : {}),
    startedAt: ago(20),
    finishedAt: ago(5),
  },
});
export const st = (
  name: string,
  state: Json,
  o: { ready?: boolean; restarts?: number; started?: boolean; last?: Json } = {},
) => ({
  name,
  image: `img/${name}:1`,
  imageID: '',
  ready: o.ready ?? false,
  restartCount: o.restarts ?? 0,
  ...(o.started !== undefined ? { started: o.started } : {}),
  state,
  lastState: o.last ?? {},
});
export const cond = (c: Record<string, string>) => Object.entries(c).map(([type, status]) => ({ type, status }));

export interface Case {
  name: string;
  containers?: string[];
  init?: string[];
  sidecars?: string[];
  status?: Json;
  deleteWithGrace?: boolean;
  noNode?: boolean;
  gated?: boolean;
}

export const cases: Case[] = [
  {
    name: 'running-ready',
    status: {
      phase: 'Running',
      conditions: cond({ Ready: 'True' }),
      containerStatuses: [st('app', run(), { ready: true })],
    },
  },
  { name: 'creating', status: { containerStatuses: [st('app', wait('ContainerCreating'))] } },
  {
    name: 'crashloop',
    status: {
      phase: 'Running',
      containerStatuses: [st('app', wait('CrashLoopBackOff'), { restarts: 3, last: term('Error', 1) })],
    },
  },
  { name: 'signal', status: { phase: 'Running', containerStatuses: [st('app', term(null, 137, 9))] } },
  { name: 'exitcode', status: { phase: 'Running', containerStatuses: [st('app', term(null, 3))] } },
  { name: 'completed', status: { phase: 'Succeeded', containerStatuses: [st('app', term('Completed', 0))] } },
  {
    name: 'completed-running',
    containers: ['job', 'app'],
    status: {
      phase: 'Running',
      conditions: cond({ Ready: 'True' }),
      containerStatuses: [st('job', term('Completed', 0)), st('app', run(), { ready: true })],
    },
  },
  {
    name: 'completed-notready',
    containers: ['job', 'app'],
    status: {
      phase: 'Running',
      conditions: cond({ Ready: 'False' }),
      containerStatuses: [st('job', term('Completed', 0)), st('app', run(), { ready: true })],
    },
  },
  {
    name: 'completed-error',
    containers: ['job', 'side'],
    status: { phase: 'Failed', containerStatuses: [st('job', term('Completed', 0)), st('side', term('Error', 1))] },
  },
  {
    name: 'first-container-wins',
    containers: ['a', 'b'],
    status: { containerStatuses: [st('a', wait('ImagePullBackOff')), st('b', wait('ContainerCreating'))] },
  },
  {
    name: 'init-0of2',
    init: ['i1', 'i2'],
    status: {
      initContainerStatuses: [st('i1', wait('PodInitializing')), st('i2', wait('PodInitializing'))],
      containerStatuses: [st('app', wait('PodInitializing'))],
    },
  },
  {
    name: 'init-1of2',
    init: ['i1', 'i2'],
    status: { initContainerStatuses: [st('i1', term('Completed', 0)), st('i2', run())] },
  },
  {
    name: 'init-error',
    init: ['i1'],
    status: { initContainerStatuses: [st('i1', term('Error', 1), { restarts: 2, last: term('Error', 1) })] },
  },
  { name: 'init-signal', init: ['i1'], status: { initContainerStatuses: [st('i1', term(null, 137, 9))] } },
  { name: 'init-exitcode', init: ['i1'], status: { initContainerStatuses: [st('i1', term(null, 2))] } },
  {
    name: 'init-crashloop',
    init: ['i1'],
    status: { initContainerStatuses: [st('i1', wait('CrashLoopBackOff'), { restarts: 4 })] },
  },
  {
    name: 'sidecar-running',
    init: ['proxy'],
    sidecars: ['proxy'],
    status: {
      phase: 'Running',
      conditions: cond({ Initialized: 'True', Ready: 'True' }),
      initContainerStatuses: [st('proxy', run(), { ready: true, started: true, restarts: 1, last: term('Error', 1) })],
      containerStatuses: [st('app', run(), { ready: true })],
    },
  },
  {
    name: 'sidecar-starting',
    init: ['proxy'],
    sidecars: ['proxy'],
    status: {
      initContainerStatuses: [st('proxy', run(), { started: false })],
      containerStatuses: [st('app', wait('PodInitializing'))],
    },
  },
  {
    name: 'init-failed-initialized',
    init: ['i1'],
    status: {
      phase: 'Running',
      conditions: cond({ Initialized: 'True', Ready: 'True' }),
      initContainerStatuses: [st('i1', term('Error', 1), { restarts: 5 })],
      containerStatuses: [st('app', run(), { ready: true })],
    },
  },
  { name: 'evicted', status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } },
  {
    name: 'terminating',
    status: { phase: 'Running', containerStatuses: [st('app', run(), { ready: true })] },
    deleteWithGrace: true,
  },
  {
    name: 'nodelost',
    status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [st('app', run())] },
    deleteWithGrace: true,
  },
  { name: 'gated', gated: true, noNode: true },
  { name: 'pending' },
];
