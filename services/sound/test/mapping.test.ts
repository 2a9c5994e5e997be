import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { configValidators, messageSchemas } from '@kubeblink/schemas';
import { appSignal, nodeEvent, nodeState, podEvent, podState } from '@kubeblink/test/support/cluster-fixtures';
import { cueFor, DEFAULT_SOUNDS, loadSounds, SoundMappingError, summaryCue } from '../src/mapping.ts';

/** Every event and signal type, read from the schemas themselves (not from a list kept here). */
function allTypes(): string[] {
  const ev = messageSchemas.clusterEvent.$defs;
  const sig = messageSchemas.appSignal.properties.type;
  return [...ev.podEventType.enum, ...ev.nodeEventType.enum, ...sig.enum];
}

it('has a default for every event and signal type, valid against the mapping schema', () => {
  assert.deepEqual(Object.keys(DEFAULT_SOUNDS).sort(), allTypes().sort());
  assert.equal(configValidators.soundMapping(structuredClone(DEFAULT_SOUNDS)), true);
  for (const [type, s] of Object.entries(DEFAULT_SOUNDS)) {
    assert.ok(s.off || s.summary, `${type} has a summary for coalesced storms`);
  }
});

it('speaks events with their names and nodes', () => {
  const web = podState('demo', 'web-1', 'pi3-worker-1');
  const crash = podEvent('io.kubeblink.pod.restarted', web, { container: 'app', reason: 'Error', exitCode: 1 });
  assert.deepEqual(cueFor(DEFAULT_SOUNDS, crash), {
    type: 'io.kubeblink.pod.restarted',
    text: 'web-1 crashed on pi3-worker-1',
  });
  assert.deepEqual(cueFor(DEFAULT_SOUNDS, nodeEvent('io.kubeblink.node.unreachable', nodeState('pi4-master'))), {
    type: 'io.kubeblink.node.unreachable',
    text: 'node pi4-master is unreachable',
  });
  assert.equal(cueFor(DEFAULT_SOUNDS, appSignal('io.kubeblink.app.request', web)), null, 'requests are off by default');
  assert.deepEqual(summaryCue(DEFAULT_SOUNDS, 'io.kubeblink.pod.restarted', 12), {
    type: 'io.kubeblink.pod.restarted',
    text: '12 pods crashed',
  });
});

it('a mapping file overrides one type at a time; unknown placeholders are spoken as unknown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sound-mapping-'));
  const file = join(dir, 'sounds.yaml');
  writeFileSync(
    file,
    [
      'io.kubeblink.pod.restarted: { say: "{name} died with {exitCode} ({signal})" }',
      'io.kubeblink.app.request: { tone: [{ hz: 1760, ms: 20 }] }',
      'io.kubeblink.node.ready: { off: true }',
    ].join('\n'),
  );
  const sounds = loadSounds(file);
  const web = podState('demo', 'web-1', 'n1');
  const crash = podEvent('io.kubeblink.pod.restarted', web, { container: 'app', reason: 'Error', exitCode: 137 });
  assert.equal(cueFor(sounds, crash)?.text, 'web-1 died with 137 (unknown)');
  assert.deepEqual(cueFor(sounds, appSignal('io.kubeblink.app.request', web))?.tone, [{ hz: 1760, ms: 20 }]);
  assert.equal(cueFor(sounds, nodeEvent('io.kubeblink.node.ready', nodeState('n1'))), null);
  assert.equal(sounds['io.kubeblink.pod.started'], DEFAULT_SOUNDS['io.kubeblink.pod.started']);
  // Coalescing a type whose file entry has no summary falls back to a generic one.
  assert.equal(summaryCue(sounds, 'io.kubeblink.pod.restarted', 3).text, '3 times pod restarted');
});

it('refuses a bad mapping file with every problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sound-mapping-'));
  const file = join(dir, 'sounds.json');
  writeFileSync(file, JSON.stringify({ 'io.kubeblink.pod.crashed': { say: 'x' } }));
  assert.throws(() => loadSounds(file), /unknown event type\(s\) io\.kubeblink\.pod\.crashed; known: /);
  writeFileSync(file, JSON.stringify({ 'io.kubeblink.pod.ready': { beep: 1, tone: [] } }));
  assert.throws(
    () => loadSounds(file),
    (err: Error) =>
      err instanceof SoundMappingError &&
      /must NOT have additional properties 'beep'/.test(err.message) &&
      /tone must NOT have fewer than 1 items/.test(err.message),
  );
  assert.throws(() => loadSounds(join(dir, 'missing.yaml')), /ENOENT/);
});
