// Which cluster `kubeblink up` shows: the simulated one unless a real one is named, a recording
// when asked for or when nothing can be built.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ChoiceInput, chooseCluster, goToolchain, versionAtLeast } from '../src/choice.ts';

const base: ChoiceInput = {
  simRunning: false,
  binariesCached: true,
  go: { ok: true },
  shippedRecording: '/repo/services/up/recordings/demo-app.jsonl',
};

describe('chooseCluster', () => {
  it('starts the simulated cluster when no context is named, from the cache', () => {
    assert.deepEqual(chooseCluster(base), { kind: 'sim', reuse: false, build: false });
  });

  it('never picks up the current context of ~/.kube/config by itself: only a named context or kubeconfig', () => {
    assert.deepEqual(chooseCluster({ ...base, context: 'pis' }), { kind: 'context', context: 'pis' });
    assert.deepEqual(chooseCluster({ ...base, kubeconfig: '/k.yaml' }), { kind: 'context', kubeconfig: '/k.yaml' });
    assert.deepEqual(chooseCluster({ ...base, kubeconfig: '/k.yaml', context: 'pis', simRunning: true }), {
      kind: 'context',
      kubeconfig: '/k.yaml',
      context: 'pis',
    });
  });

  it('reuses a simulated cluster that is already running', () => {
    assert.deepEqual(chooseCluster({ ...base, simRunning: true, binariesCached: false }), {
      kind: 'sim',
      reuse: true,
      build: false,
    });
  });

  it('builds the simulated cluster when Go is there and the cache is empty', () => {
    assert.deepEqual(chooseCluster({ ...base, binariesCached: false }), { kind: 'sim', reuse: false, build: true });
  });

  it('replays the shipped recording when there is no Go and no cache, and says why', () => {
    const c = chooseCluster({
      ...base,
      binariesCached: false,
      go: { ok: false, why: 'no Go 1.26.4 or newer on PATH' },
    });
    assert.deepEqual(c, {
      kind: 'recording',
      file: base.shippedRecording,
      why: 'the simulated cluster cannot be built here (no Go 1.26.4 or newer on PATH) and its binaries are not cached',
    });
  });

  it('a cache without Go is enough for the simulated cluster', () => {
    const c = chooseCluster({ ...base, go: { ok: false, why: 'no Go' } });
    assert.deepEqual(c, { kind: 'sim', reuse: false, build: false });
  });

  it('replays a recording the user names, before anything else', () => {
    assert.deepEqual(chooseCluster({ ...base, recording: '/r.jsonl', context: 'pis' }), {
      kind: 'recording',
      file: '/r.jsonl',
      why: '--recording /r.jsonl',
    });
  });
});

describe('versionAtLeast', () => {
  it('compares Go versions part by part', () => {
    assert.equal(versionAtLeast('1.26.4', '1.26.4'), true);
    assert.equal(versionAtLeast('1.26.10', '1.26.4'), true);
    assert.equal(versionAtLeast('1.27', '1.26.4'), true);
    assert.equal(versionAtLeast('1.26', '1.26.4'), false);
    assert.equal(versionAtLeast('1.9.9', '1.26.4'), false);
  });
});

describe('goToolchain', () => {
  const fakeGo = (version: string | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-go-'));
    if (version) {
      writeFileSync(join(dir, 'go'), `#!/bin/sh\necho go${version}\n`);
      chmodSync(join(dir, 'go'), 0o755);
    }
    return { PATH: dir };
  };

  it('finds no Go on an empty PATH', () => {
    assert.deepEqual(goToolchain('1.26.4', fakeGo(undefined)), { ok: false, why: 'no Go 1.26.4 or newer on PATH' });
  });

  it('refuses a Go older than the pins ask for, accepts a new enough one', () => {
    assert.deepEqual(goToolchain('1.26.4', fakeGo('1.25.3')), { ok: false, why: 'Go 1.25.3 is older than 1.26.4' });
    assert.deepEqual(goToolchain('1.26.4', fakeGo('1.26.4')), { ok: true });
  });
});
