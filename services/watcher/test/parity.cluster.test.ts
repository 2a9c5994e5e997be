// kubectl parity: pods with crafted statuses written through the API (KWOK leaves pods labelled for
// the pod runner alone), then every retained PodState's status/ready/restarts compared with the
// apiserver's own Table output for the same pods (what `kubectl get pods` prints), and every
// NodeState's status and roles with the nodes' Table.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loudSkip } from '@kubeblink/test/support/sim';
import { until } from '@kubeblink/test/support/wait';
import { pino } from 'pino';
import { ClusterState } from '../src/diff/cluster-state.ts';
import { RecordingSource } from '../src/source/recording.ts';
import { C, type Harness, type Json, startHarness } from './cluster-harness.ts';
import { tempDir } from './fixtures.ts';
import { cases, st, wait } from './parity-cases.ts';

const NS = 'parity';
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
const MERGE = 'application/merge-patch+json';
async function saveFixtures(h: Harness): Promise<void> {
  const get = async (path: string, accept?: string) =>
    (await h.kube.must('GET', path, undefined, accept ? { Accept: accept } : undefined)).json();
  const columns = (table: Json, names: string[]) =>
    (table.rows as Json[]).map((row) =>
      Object.fromEntries(
        names.map((n) => [n, row.cells[table.columnDefinitions.findIndex((d: Json) => d.name === n)]]),
      ),
    );
  const version = (await get('/version')).gitVersion;
  const fixture = {
    about: `Real objects from the simulated cluster (Kubernetes ${version}) and the apiserver's Table columns for them; written by parity.cluster.test.ts with KUBEBLINK_SAVE_FIXTURES=1.`,
    pods: (await get(`/api/v1/namespaces/${NS}/pods`)).items,
    podColumns: columns(await get(`/api/v1/namespaces/${NS}/pods`, TABLE), ['Name', 'Ready', 'Status', 'Restarts']),
    nodes: (await get('/api/v1/nodes')).items,
    nodeColumns: columns(await get('/api/v1/nodes', TABLE), ['Name', 'Status', 'Roles']),
  };
  writeFileSync(new URL('./fixtures/real-objects.json', import.meta.url), `${JSON.stringify(fixture, null, 1)}\n`);
}

describe('kubectl parity on the simulated cluster', () => {
  let h: Harness | undefined;
  let skip = '';

  before(async () => {
    const r = await startHarness({ nodes: 1 });
    if (typeof r === 'string') {
      skip = loudSkip('kubectl parity tests', r);
      return;
    }
    h = r;
    await h.apply('POST', '/api/v1/namespaces', { metadata: { name: NS } });
    for (const c of cases) {
      const containers = (c.containers ?? ['app']).map((name) => ({ name, image: `img/${name}:1` }));
      const initContainers = (c.init ?? []).map((name) => ({
        name,
        image: `img/${name}:1`,
        ...(c.sidecars?.includes(name) ? { restartPolicy: 'Always' } : {}),
      }));
      await h.apply('POST', `/api/v1/namespaces/${NS}/pods`, {
        metadata: { name: c.name, labels: { [h.sim.runnerLabel]: 'true' } },
        spec: {
          ...(c.noNode ? {} : { nodeName: 'pi3-worker-1' }),
          ...(c.gated ? { schedulingGates: [{ name: 'kubeblink.io/hold' }] } : {}),
          initContainers,
          containers,
        },
      });
      if (c.status)
        await h.apply('PATCH', `/api/v1/namespaces/${NS}/pods/${c.name}/status`, { status: c.status }, MERGE);
      if (c.deleteWithGrace)
        await h.kube.must('DELETE', `/api/v1/namespaces/${NS}/pods/${c.name}?gracePeriodSeconds=3000`);
    }
  });
  after(async () => h?.stop());

  test('every pod: STATUS, READY and RESTARTS equal the apiserver Table', async (t) => {
    if (!h) return t.skip(skip);
    let diff: string[] = [];
    await until(
      async () => {
        const table = (await h!.kube.must('GET', `/api/v1/namespaces/${NS}/pods`, undefined, { Accept: TABLE })).json();
        const col = (n: string) => table.columnDefinitions.findIndex((d: Json) => d.name === n);
        const [iName, iReady, iStatus, iRestarts] = ['Name', 'Ready', 'Status', 'Restarts'].map(col);
        const states = new Map(
          [...(await h!.retained()).values()].filter((v) => v.namespace === NS).map((v) => [v.name, v]),
        );
        diff = [];
        for (const row of table.rows as Json[]) {
          const name = row.cells[iName as number];
          const s = states.get(name);
          const restartsCell = String(row.cells[iRestarts as number]);
          const want = `${row.cells[iStatus as number]} ${row.cells[iReady as number]} ${restartsCell.split(' ')[0]} ${restartsCell.includes('ago')}`;
          const got = s ? `${s.status} ${s.ready} ${s.restarts} ${s.lastRestartAt !== null}` : '(no state)';
          if (want !== got) diff.push(`${name}: kubectl "${want}", watcher "${got}"`);
        }
        return table.rows.length === cases.length && diff.length === 0;
      },
      'watcher states equal the Table',
      60_000,
      500,
    ).catch((err) => {
      throw new Error(`${err.message}\n${diff.join('\n')}`);
    });
    // KUBEBLINK_SAVE_FIXTURES=1: keep these real API objects and kubectl's columns for the unit tests
    if (process.env.KUBEBLINK_SAVE_FIXTURES) await saveFixtures(h);
    // the cases really cover the branches they are named after
    const statuses = new Set([...(await h.retained()).values()].filter((v) => v.namespace === NS).map((v) => v.status));
    for (const s of [
      'Init:0/2',
      'Init:1/2',
      'Init:Error',
      'Init:Signal:9',
      'Init:ExitCode:2',
      'Signal:9',
      'ExitCode:3',
      'NotReady',
      'Terminating',
      'Unknown',
      'SchedulingGated',
      'Evicted',
      'Completed',
      'Running',
    ]) {
      assert.ok(statuses.has(s), `a case shows ${s}: ${[...statuses].join(', ')}`);
    }
  });

  test('every node: STATUS and ROLES equal the apiserver Table', async (t) => {
    if (!h) return t.skip(skip);
    await h.apply('PATCH', '/api/v1/nodes/pi3-worker-1', { spec: { unschedulable: true } }, MERGE);
    await until(
      async () => {
        const table = (await h!.kube.must('GET', '/api/v1/nodes', undefined, { Accept: TABLE })).json();
        const col = (n: string) => table.columnDefinitions.findIndex((d: Json) => d.name === n);
        const retained = await h!.retained();
        return (table.rows as Json[]).every((row) => {
          const name = row.cells[col('Name')];
          const s = retained.get(`${C}/nodes/${name}/state`);
          const roles = s?.roles.length ? s.roles.join(',') : '<none>';
          return s && s.status === row.cells[col('Status')] && roles === row.cells[col('Roles')];
        });
      },
      'node states equal the Table',
      30_000,
      500,
    );
  });

  test('kubeblink record saves the watch stream; replaying it gives the same states', async (t) => {
    if (!h) return t.skip(skip);
    const file = join(tempDir('kubeblink-record-'), 'parity.jsonl');
    const cli = new URL('../../cli/bin/kubeblink.js', import.meta.url).pathname;
    const rec = spawn(
      process.execPath,
      [cli, 'record', file, '--kubeconfig', h.sim.kubeconfig, '--namespace', NS, '--duration', '4'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    rec.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // a change while recording: it must be in the stream as a watch event
    await until(
      () => stderr.includes('"synced"') || readFileSync(file, 'utf8').includes('SYNC_END'),
      'recorder synced',
      30_000,
      100,
    ).catch(() => {});
    await h.apply(
      'PATCH',
      `/api/v1/namespaces/${NS}/pods/creating/status`,
      { status: { containerStatuses: [st('app', wait('ErrImagePull'))] } },
      MERGE,
    );
    const [code] = await once(rec, 'exit');
    assert.equal(code, 0, stderr);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(JSON.parse(lines[0] as string).kubeblink, 'recording');
    assert.ok(
      lines.some((l) => l.includes('"type":"MODIFIED"') && l.includes('ErrImagePull')),
      'the change is recorded',
    );
    const store = new ClusterState({ cluster: 'default', now: () => new Date() });
    let done = false;
    const source = new RecordingSource({ file, speed: 0, log: pino({ level: 'silent' }), onEnd: () => (done = true) });
    await source.start((e) => store.apply(e));
    await until(() => done, 'replayed');
    const table = (await h.kube.must('GET', `/api/v1/namespaces/${NS}/pods`, undefined, { Accept: TABLE })).json();
    const iName = table.columnDefinitions.findIndex((d: Json) => d.name === 'Name');
    const iStatus = table.columnDefinitions.findIndex((d: Json) => d.name === 'Status');
    const replayed = new Map([...store.pods.values()].map((r) => [r.state.name, r.state.status]));
    for (const row of table.rows as Json[])
      assert.equal(replayed.get(row.cells[iName]), row.cells[iStatus], row.cells[iName]);
    assert.equal(replayed.get('creating'), 'ErrImagePull');
  });
});
