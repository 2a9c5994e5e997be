// Real audio with Debian's espeak-ng and sox (CI installs both): a cue is rendered into a WAV file
// that sox itself measures as non-silent. Without the tools, the service says what is missing, and
// the tests that need them skip with the install line (a failure under CI, test/support/system-tool.ts).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '@kubeblink/core';
import { podEvent, podState } from '@kubeblink/test/support/cluster-fixtures';
import { ESPEAK_NG, needTool, SOX } from '@kubeblink/test/support/system-tool';
import { until } from '@kubeblink/test/support/wait';
import { canPlay, detectTools, missingTools, renderCue } from '../src/audio.ts';
import { cueFor, DEFAULT_SOUNDS } from '../src/mapping.ts';
import { Speaker } from '../src/speaker.ts';

/** `sox FILE -n stat` prints its figures (RMS amplitude, Length (seconds), ...) on stderr. */
function soxStat(file: string): Record<string, number> {
  const r = spawnSync('sox', [file, '-n', 'stat'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const stats: Record<string, number> = {};
  for (const line of r.stderr.split('\n')) {
    const m = line.match(/^([A-Za-z ()]+?):\s+(-?[\d.]+)/);
    if (m) stats[m[1]!.replace(/\s+/g, ' ').trim()] = Number(m[2]);
  }
  return stats;
}

const skip = needTool(ESPEAK_NG, SOX);

describe('audio', () => {
  const tools = detectTools();

  it('renders "web-1 crashed on pi3-worker-1" with espeak-ng into a non-silent WAV', { skip }, async () => {
    const web = podState('demo', 'web-1', 'pi3-worker-1');
    const cue = cueFor(
      DEFAULT_SOUNDS,
      podEvent('io.kubeblink.pod.restarted', web, { container: 'app', reason: 'Error', exitCode: 1 }),
    )!;
    assert.equal(cue.text, 'web-1 crashed on pi3-worker-1');
    const file = join(mkdtempSync(join(tmpdir(), 'sound-audio-')), 'crash.wav');
    await renderCue(cue, file, tools, { voice: 'en-us', speed: 165 });
    assert.ok(statSync(file).size > 1000);
    const stats = soxStat(file);
    assert.ok(
      (stats['RMS amplitude'] ?? 0) > 0.01,
      `RMS amplitude ${stats['RMS amplitude']} (${JSON.stringify(stats)})`,
    );
    assert.ok((stats['Length (seconds)'] ?? 0) > 1, 'a spoken sentence lasts more than a second');
  });

  it('renders tones and speech joined into one file', { skip }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sound-audio-')), 'both.wav');
    const tone = [
      { hz: 660, ms: 200 },
      { hz: 880, ms: 300 },
    ];
    await renderCue({ type: 'x', tone, text: 'ready' }, file, tools, { voice: 'en-us', speed: 165 });
    const stats = soxStat(file);
    assert.ok((stats['Length (seconds)'] ?? 0) > 0.5, JSON.stringify(stats));
    assert.ok((stats['RMS amplitude'] ?? 0) > 0.01);
    // The first half second is the tones: 660 Hz then 880 Hz at half volume.
    const head = join(mkdtempSync(join(tmpdir(), 'sound-audio-')), 'head.wav');
    execFileSync('sox', [file, head, 'trim', '0', '0.5']);
    const h = soxStat(head);
    assert.ok(Math.abs((h['Maximum amplitude'] ?? 0) - 0.5) < 0.02, `tone peak ${h['Maximum amplitude']}`);
  });

  it('says clearly what is missing when the tools are not there', () => {
    const none = detectTools('/nonexistent');
    assert.deepEqual(none, { espeak: undefined, sox: undefined, player: undefined });
    assert.deepEqual(missingTools(none), [
      'espeak-ng is not installed: speech is printed instead (apt-get install espeak-ng)',
      'sox is not installed: tones are printed instead (apt-get install sox)',
      'neither aplay nor play is installed: nothing can be played (apt-get install alsa-utils)',
    ]);
    assert.equal(canPlay({ type: 'x', text: 'hello' }, none), false);
  });
});

describe('speaker', () => {
  it('renders and plays queued cues one after another through the player', { skip }, async () => {
    const tools = detectTools();
    // A player that keeps what it is given: the machine running the tests has no sound card.
    const dir = mkdtempSync(join(tmpdir(), 'sound-player-'));
    const player = join(dir, 'player');
    writeFileSync(
      player,
      `#!/bin/sh\n[ "$1" = -q ] || exit 9\nn=$(ls ${dir}/*.wav 2>/dev/null | wc -l)\ncp "$2" ${dir}/played-$n.wav\n`,
    );
    chmodSync(player, 0o755);
    const outcomes: string[] = [];
    const speaker = new Speaker({
      tools: { ...tools, player },
      voice: { voice: 'en-us', speed: 165 },
      log: silentLogger(),
      count: (o) => outcomes.push(o),
    });
    speaker.enqueue({ type: 'a', text: 'node pi3-worker-1 is not ready' });
    speaker.enqueue({ type: 'b', tone: [{ hz: 440, ms: 300 }] });
    await until(() => outcomes.length === 2, 'both cues played');
    assert.deepEqual(outcomes, ['played', 'played']);
    const speech = soxStat(join(dir, 'played-0.wav'));
    const tone = soxStat(join(dir, 'played-1.wav'));
    assert.ok((speech['Length (seconds)'] ?? 0) > 1 && (speech['RMS amplitude'] ?? 0) > 0.01);
    assert.ok(Math.abs((tone['Length (seconds)'] ?? 0) - 0.3) < 0.01, JSON.stringify(tone));
    await speaker.stop();
  });
});
