import {
  busFromSettings,
  Controller,
  counter,
  healthServerFromSettings,
  runUntilSignal,
  serviceRuntime,
} from '@kubeblink/core';
import { Subscriber } from '@kubeblink/kit';
import { attachToBus } from '@kubeblink/kit/bus';
import type { AppSignal, ClusterEvent, SoundSettings } from '@kubeblink/schemas';
import { type AudioTools, canPlay, describeCue, detectTools, missingTools } from './audio.ts';
import { Limiter } from './limiter.ts';
import { cueFor, loadSounds, SoundMappingError } from './mapping.ts';
import { Speaker } from './speaker.ts';

export interface SoundOptions {
  /** Where --dry-run lines (and cues that cannot be played) go; default stdout. */
  print?: (line: string) => void;
  tools?: AudioTools;
}

export function createSoundService(settings: SoundSettings, opts: SoundOptions = {}) {
  const rt = serviceRuntime('sound', settings);
  const log = rt.log.child({ module: 'sound' });
  const sounds = loadSounds(settings.sounds);
  const tools = opts.tools ?? detectTools();
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cues = counter(rt.registry, 'kubeblink_sound_cues_total', 'Cues by outcome', ['outcome']);
  const bus = busFromSettings(settings, rt, { role: 'reader' });
  const speaker = new Speaker({
    tools,
    voice: { voice: settings.voice, speed: settings.speed },
    log,
    count: (outcome) => cues.inc({ outcome }),
  });
  const out = (cue: Parameters<typeof describeCue>[0]) => {
    if (!settings.dryRun && canPlay(cue, tools)) return speaker.enqueue(cue);
    cues.inc({ outcome: 'printed' });
    print(describeCue(cue));
  };
  const limiter = new Limiter({ burst: settings.burst, perMinute: settings.perMinute, sounds, out });
  const signalsWanted = Object.entries(sounds).some(([type, s]) => type.startsWith('io.kubeblink.app.') && !s.off);
  const onMessage = (e: ClusterEvent | AppSignal) => {
    const cue = cueFor(sounds, e);
    if (cue) limiter.push(cue);
  };

  const controller = new Controller(rt.log);
  controller.add(bus);
  controller.add({
    name: 'sound',
    start: async () => {
      if (settings.dryRun) log.info('dry run: printing what would be played');
      else for (const advice of missingTools(tools)) log.warn(advice);
      const sub = new Subscriber({ cluster: settings.cluster, signals: signalsWanted });
      sub.on('*', onMessage);
      if (signalsWanted) sub.onSignal('*', onMessage);
      await attachToBus(bus, sub);
    },
    stop: async () => {
      limiter.stop();
      await speaker.stop();
    },
  });
  const http = controller.add(healthServerFromSettings(settings, rt, { ready: () => bus.connected }));
  return { controller, bus, http, limiter, log: rt.log };
}

export async function runSound(settings: SoundSettings): Promise<void> {
  let service: ReturnType<typeof createSoundService>;
  try {
    service = createSoundService(settings);
  } catch (err) {
    // A bad mapping file is a settings problem: the same exit code 2 as invalid settings.
    if (!(err instanceof SoundMappingError)) throw err;
    console.error(`kubeblink sound: ${err.message}`);
    process.exit(2);
  }
  await runUntilSignal(service.controller, service.log);
}
