// `kubeblink led doctor` (issue 22): the first boot of a breadboard. Says which board the service
// would use and why, the GPIO chips and labels found, what permission this user lacks (the gpio
// group, access to the device nodes), then lights each LED of the layout in turn with its pin and
// role, so a wiring mistake shows at once. It prints plain lines and changes nothing on the host.
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadSettings, silentLogger } from '@kubeblink/core';
import { LayoutError, LedEngine } from '@kubeblink/led-engine';
import type { LedSettings } from '@kubeblink/schemas';
import { DEVICE_TREE_MODEL, resolveBoard } from './boards/board-registry.ts';
import { BoardError } from './boards/board-types.ts';
import { loadGpiod, pickChip } from './boards/gpiochip.ts';
import { loadLayout } from './layout-file.ts';

export interface DoctorOptions {
  settings: Pick<LedSettings, 'board' | 'layout' | 'gpioChip' | 'virtualRecord'>;
  /** How long each LED stays lit, in ms. */
  stepMs: number;
  out?: (line: string) => void;
  /** Tests: where the host is read from, and the native package loader. */
  host?: { modelPath?: string; devDir?: string; groupFile?: string; groups?: number[]; uid?: number };
  load?: (name: string) => Promise<unknown>;
}

interface Group {
  name: string;
  gid: number;
}

function readGroups(file: string): Group[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 3)
      .map((f) => ({ name: f[0] ?? '', gid: Number(f[2]) }));
  } catch {
    return [];
  }
}

function readModel(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/\0/g, '').trim();
  } catch {
    return undefined;
  }
}

/** Returns the exit code: 0 when every LED was lit, 1 when something stands in the way. */
export async function runDoctor(o: DoctorOptions): Promise<number> {
  const out = o.out ?? ((l: string) => console.log(l));
  const modelPath = o.host?.modelPath ?? DEVICE_TREE_MODEL;
  const devDir = o.host?.devDir ?? '/dev';
  const groups = readGroups(o.host?.groupFile ?? '/etc/group');
  const myGroups = o.host?.groups ?? process.getgroups?.() ?? [];
  const uid = o.host?.uid ?? process.getuid?.() ?? -1;
  const problems: string[] = [];
  const layout = loadLayout(o.settings.layout);

  const model = readModel(modelPath);
  const factory = await resolveBoard(o.settings.board, modelPath);
  const why =
    o.settings.board !== 'auto'
      ? 'asked for with --board, KUBEBLINK_BOARD or the config file'
      : model?.includes('Raspberry Pi')
        ? `auto: ${modelPath} says "${model}"`
        : `auto: ${modelPath} ${model === undefined ? 'is missing' : `says "${model}"`}: not a Raspberry Pi`;
  out(`board: ${factory.name} (${why})`);

  // Device nodes: what the kernel offers and whether this user may open them.
  const chips = (() => {
    try {
      return readdirSync(devDir).filter((n) => /^gpiochip\d+$/.test(n));
    } catch {
      return [];
    }
  })().sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  const groupName = (gid: number) => groups.find((g) => g.gid === gid)?.name ?? String(gid);
  out(chips.length ? 'device nodes:' : `device nodes: no ${devDir}/gpiochip*`);
  for (const name of chips) {
    const path = join(devDir, name);
    const st = statSync(path);
    let access = 'read/write ok';
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (err) {
      access = `NO read/write access (${(err as NodeJS.ErrnoException).code})`;
      if (factory.name === 'gpiochip') problems.push(`${path}: ${access}`);
    }
    out(`  ${path}  group ${groupName(st.gid)}, mode ${(st.mode & 0o777).toString(8)}: ${access}`);
  }

  if (factory.name === 'gpiochip') {
    try {
      const gpiod = await loadGpiod({ log: silentLogger(), leds: [], load: o.load });
      out('chips (node-libgpiod):');
      for (const name of gpiod.getChipNames()) {
        try {
          const chip = new gpiod.Chip(name);
          out(`  ${name}  ${chip.label}  ${chip.numberOfLines} lines`);
        } catch (err) {
          out(`  ${name}  cannot open: ${(err as Error).message}`);
        }
      }
      const header = pickChip(gpiod, o.settings.gpioChip);
      out(
        `header chip: ${header.name} (${header.label}) ${o.settings.gpioChip ? 'named by --gpio-chip' : 'by its label'}`,
      );
    } catch (err) {
      problems.push((err as Error).message);
    }
    const gpio = groups.find((g) => g.name === 'gpio');
    if (!gpio) problems.push('no gpio group on this host: the device nodes must be readable another way');
    else if (uid !== 0 && !myGroups.includes(gpio.gid))
      problems.push(`this user is not in the gpio group (gid ${gpio.gid}): sudo usermod -aG gpio $USER, log in again`);
  }
  if (factory.name === 'raspi' && uid !== 0) problems.push('the raspi board needs root (pigpio maps /dev/mem)');
  out(problems.length ? 'permission:' : 'permission: ok');
  for (const p of problems) out(`  MISSING ${p}`);

  const engine = new LedEngine({ layout, node: 'doctor', canPwm: () => false });
  const backend = await factory.create({
    log: silentLogger(),
    leds: engine.leds,
    gpioChip: o.settings.gpioChip,
    recordFile: o.settings.virtualRecord,
    load: o.load,
    modelPath,
  });
  let opened: { index: number }[];
  try {
    opened = await backend.open(engine.leds.map((l) => ({ pin: l.pin, pwm: false })));
  } catch (err) {
    out(`cannot open the board: ${(err as Error).message}`);
    return 1;
  }
  out(`layout ${layout.name}: ${engine.leds.length} LEDs, each lit for ${o.stepMs} ms in turn`);
  try {
    // Lines are requested low, which lights an active-low LED: every LED off first.
    for (const [i, led] of engine.leds.entries()) if (led.activeLow) backend.write(opened[i]?.index ?? i, 1);
    for (const [i, led] of engine.leds.entries()) {
      const index = opened[i]?.index ?? i;
      const on = led.activeLow ? 0 : 1;
      const where = led.slot === null ? 'status' : `slot ${led.slot + 1}`;
      out(
        `  LED ${i + 1}/${engine.leds.length}: pin ${led.pin}, ${where} ${led.role}${led.color ? ` (${led.color})` : ''}`,
      );
      backend.write(index, on);
      await sleep(o.stepMs);
      backend.write(index, 1 - on);
    }
  } finally {
    await backend.close();
  }
  out(problems.length ? 'done, with the problems above' : 'done: every LED was lit once, all are off');
  return problems.length ? 1 : 0;
}

/** The `kubeblink led doctor` action: settings from flags, KUBEBLINK_* and the config file, as `led`. */
export async function doctorCommand(flags: Record<string, unknown>): Promise<number> {
  const { step, ...rest } = flags;
  try {
    const settings = loadSettings('ledSettings', { flags: { node: hostname(), ...rest } });
    return await runDoctor({ settings, stepMs: Number(step ?? 1000) });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof LayoutError || err instanceof BoardError) {
      console.error(`kubeblink led doctor: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
