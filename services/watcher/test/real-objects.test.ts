// Table-driven tests from real objects: pods and nodes saved from the simulated cluster together with
// the apiserver's own Table columns for them (fixtures/real-objects.json, see parity.cluster.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateMessage } from '@kubeblink/schemas';
import type { Node, Pod } from '../src/derive/kube-types.ts';
import { deriveNode } from '../src/derive/node-state.ts';
import { derivePod } from '../src/derive/pod-state.ts';
import { podColumns } from '../src/derive/pod-status.ts';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/real-objects.json', import.meta.url), 'utf8')) as {
  pods: Pod[];
  podColumns: { Name: string; Ready: string; Status: string; Restarts: string }[];
  nodes: Node[];
  nodeColumns: { Name: string; Status: string; Roles: string }[];
};

for (const want of fixture.podColumns) {
  test(`real pod ${want.Name}: kubectl shows ${want.Status} ${want.Ready} ${want.Restarts}`, () => {
    const pod = fixture.pods.find((p) => p.metadata?.name === want.Name);
    assert.ok(pod);
    const got = podColumns(pod);
    assert.equal(got.status, want.Status);
    assert.equal(got.ready, want.Ready);
    assert.equal(String(got.restarts), want.Restarts.split(' ')[0]);
    assert.equal(got.lastRestartAt !== null, want.Restarts.includes('ago'));
    const v = validateMessage('podState', derivePod(pod).state);
    assert.ok(v.ok, JSON.stringify(v));
  });
}

for (const want of fixture.nodeColumns) {
  test(`real node ${want.Name}: kubectl shows ${want.Status}, roles ${want.Roles}`, () => {
    const node = fixture.nodes.find((n) => n.metadata?.name === want.Name);
    assert.ok(node);
    const s = deriveNode(node).state;
    assert.equal(s.status, want.Status);
    assert.equal(s.roles.length ? s.roles.join(',') : '<none>', want.Roles);
    assert.ok(validateMessage('nodeState', s).ok);
  });
}
