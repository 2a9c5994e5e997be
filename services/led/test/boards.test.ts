// The boards behind the one johnny-five IO plugin. The Raspberry Pi boards run against fake bindings
// (node-libgpiod, raspi-io) that record every call: this checks our side of the contract only, not
// the hardware (unverified on a real Pi).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createRegistry, silentLogger } from '@kubeblink/core';
import { BUILTIN_LAYOUTS, LedEngine, type LedLayout } from '@kubeblink/led-engine';
import { pod } from '../../../packages/led-engine/test/fixtures.ts';
import { resolveBoard } from '../src/boards/board-registry.ts';
import type { BoardBackend, BoardContext } from '../src/boards/board-types.ts';
import { GpiochipBoard } from '../src/boards/gpiochip.ts';
import { RaspiBoard } from '../src/boards/raspi.ts';
import { VirtualBoard } from '../src/boards/virtual.ts';
import { LedDriver } from '../src/driver.ts';
import { loadFive } from '../src/five.ts';

// The engine alone decides every level: johnny-five's own animation timers must never run.
const timerCalls: string[] = [];
const ledProto = loadFive().Led.prototype as unknown as Record<string, unknown>;
for (const m of ['blink', 'strobe', 'pulse', 'fade', 'fadeIn', 'fadeOut', 'animate', 'toggle']) {
  ledProto[m] = () => {
    timerCalls.push(m);
    throw new Error(`johnny-five Led.${m} must not be used`);
  };
}

const calls: string[] = [];

/** node-libgpiod 0.5 as seen from JavaScript, recording what is done to each line. */
function fakeGpiod(chips: { name: string; label: string; lines: number; busy?: number[] }[]) {
  class Line {
    offset: number;
    chip: string;
    constructor(chip: string, offset: number) {
      this.chip = chip;
      this.offset = offset;
    }
    requestOutputMode(consumer: string, value: number) {
      if (chips.find((c) => c.name === this.chip)?.busy?.includes(this.offset))
        throw new Error('Device or resource busy');
      calls.push(`${this.chip}:${this.offset} output ${consumer} ${value}`);
    }
    setValue(v: number) {
      calls.push(`${this.chip}:${this.offset}=${v}`);
    }
    release() {
      calls.push(`${this.chip}:${this.offset} release`);
    }
  }
  class Chip {
    name: string;
    label: string;
    numberOfLines: number;
    lineNames: string[];
    constructor(id: string) {
      const c = chips.find((x) => x.name === id || `/dev/${x.name}` === id);
      if (!c) throw new Error(`no chip ${id}`);
      this.name = c.name;
      this.label = c.label;
      this.numberOfLines = c.lines;
      this.lineNames = Array.from({ length: c.lines }, (_, i) => `GPIO${i}`);
    }
    getLine(offset: number) {
      return new Line(this.name, offset);
    }
  }
  return { Chip, getChipNames: () => chips.map((c) => c.name) };
}

function ctx(engine: LedEngine, over: Partial<BoardContext> = {}): BoardContext {
  return { log: silentLogger(), leds: engine.leds, ...over };
}

async function drive(layout: LedLayout, backend: (e: LedEngine) => BoardBackend, canPwm: boolean) {
  const engine = new LedEngine({ layout, node: 'pi1', canPwm: () => canPwm });
  engine.setConnected(true, 0);
  engine.setClusterStatus('ready', 0);
  const b = backend(engine);
  let now = 0;
  const driver = new LedDriver({
    engine,
    backend: b,
    fps: 50,
    log: silentLogger(),
    registry: createRegistry('t', false),
    clock: () => now,
  });
  await driver.start();
  return {
    engine,
    driver,
    /** Advances the fake clock and draws one frame as the driver would on new input. */
    async at(t: number, input?: () => void) {
      now = t;
      input?.();
      driver.poke();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('gpiochip board (fake node-libgpiod)', () => {
  it('picks the Pi header chip, requests every LED line low, drives them on/off and releases them', async () => {
    calls.length = 0;
    const gpiod = fakeGpiod([
      { name: 'gpiochip0', label: 'gpio-brcmstb@107d508500', lines: 32 },
      { name: 'gpiochip4', label: 'pinctrl-rp1', lines: 54 },
    ]);
    const load = async (name: string) => {
      assert.equal(name, 'node-libgpiod');
      return gpiod;
    };
    const r = await drive(BUILTIN_LAYOUTS.compact, (e) => new GpiochipBoard(ctx(e, { load })), false);
    assert.deepEqual(
      calls.filter((c) => c.includes('output')),
      [17, 27, 22, 5, 6, 13, 26].map((o) => `gpiochip4:${o} output kubeblink-led 0`),
    );
    assert.ok(
      r.engine.leds.every((l) => !l.pwm),
      'the character device has no PWM: on/off fallbacks',
    );
    calls.length = 0;
    await r.at(100, () => r.engine.setPod(pod('a'), 100));
    await r.at(400);
    assert.ok(calls.includes('gpiochip4:17=1'), calls.join(' '));
    calls.length = 0;
    await r.driver.stop();
    assert.deepEqual(
      calls.filter((c) => c.startsWith('gpiochip4:17') || c.startsWith('gpiochip4:26')),
      ['gpiochip4:17=0', 'gpiochip4:26=0', 'gpiochip4:17 release', 'gpiochip4:26 release'],
    );
    assert.equal(calls.filter((c) => c.endsWith('release')).length, 7);
    assert.deepEqual(timerCalls, [], 'no johnny-five blink/pulse/fade timers');
  });

  it('says clearly what is wrong: no package, no header chip, a busy line', async () => {
    const engine = new LedEngine({ layout: BUILTIN_LAYOUTS.compact });
    const pins = engine.leds.map((l) => ({ pin: l.pin, pwm: false }));
    const missing = new GpiochipBoard(
      ctx(engine, { load: async () => Promise.reject(new Error('Cannot find module')) }),
    );
    await assert.rejects(missing.open(pins), /needs the optional package node-libgpiod, built against libgpiod 1\.x/);
    const noPi = new GpiochipBoard(
      ctx(engine, { load: async () => fakeGpiod([{ name: 'gpiochip0', label: 'INT34C5:00', lines: 100 }]) }),
    );
    await assert.rejects(
      noPi.open(pins),
      /no GPIO chip labelled as a Raspberry Pi header's; found gpiochip0 \(INT34C5:00\): set --gpio-chip/,
    );
    calls.length = 0;
    const busy = new GpiochipBoard(
      ctx(engine, {
        load: async () => fakeGpiod([{ name: 'gpiochip0', label: 'pinctrl-bcm2711', lines: 58, busy: [22] }]),
      }),
    );
    await assert.rejects(busy.open(pins), /cannot request gpiochip0 line 22 \(pin 22\): Device or resource busy/);
    assert.deepEqual(
      calls.filter((c) => c.endsWith('release')),
      ['gpiochip0:17 release', 'gpiochip0:27 release'],
      'lines already taken are given back',
    );
  });
});

describe('raspi board (fake raspi-io)', () => {
  it('names BCM pins GPIO<n>, uses software PWM where the layout asks, resets on close', async () => {
    calls.length = 0;
    // raspi-io numbers pins its own (WiringPi) way: GPIO17 is 0, GPIO27 is 2, ...
    const wiring: Record<string, number> = {
      GPIO4: 7,
      GPIO17: 0,
      GPIO27: 2,
      GPIO22: 3,
      GPIO5: 21,
      GPIO6: 22,
      GPIO13: 23,
      GPIO19: 24,
      GPIO26: 25,
      GPIO23: 4,
      GPIO24: 5,
      GPIO25: 6,
      GPIO16: 27,
    };
    const RaspiIO = (opts: { includePins: string[] }) => {
      calls.push(`RaspiIO ${opts.includePins.join(',')}`);
      const io = Object.assign(new EventEmitter(), {
        isReady: false,
        MODES: { OUTPUT: 1, PWM: 3 },
        normalize: (p: string) => wiring[p] ?? Number.NaN,
        pinMode: (p: number, m: number) => calls.push(`mode ${p} ${m}`),
        digitalWrite: (p: number, v: number) => calls.push(`d ${p}=${v}`),
        analogWrite: (p: number, v: number) => calls.push(`a ${p}=${v}`),
        reset: () => calls.push('reset'),
      });
      setImmediate(() => {
        io.isReady = true;
        io.emit('ready');
      });
      return io;
    };
    const r = await drive(
      BUILTIN_LAYOUTS.talk,
      (e) => new RaspiBoard(ctx(e, { load: async () => ({ RaspiIO }) })),
      true,
    );
    assert.equal(
      calls[0],
      'RaspiIO GPIO4,GPIO17,GPIO27,GPIO22,GPIO5,GPIO6,GPIO13,GPIO19,GPIO26,GPIO23,GPIO24,GPIO25,GPIO16',
    );
    assert.ok(calls.includes('mode 7 3'), 'the online LED (GPIO4) dims');
    assert.ok(calls.includes('mode 0 1'), 'the request LED (GPIO17) is on/off');
    calls.length = 0;
    await r.at(100, () => r.engine.setPod(pod('a'), 100));
    await r.at(400);
    assert.deepEqual(calls, ['a 7=255']);
    calls.length = 0;
    await r.driver.stop();
    assert.ok(calls.includes('a 7=0') && calls.includes('d 0=0') && calls.at(-1) === 'reset', calls.join(' '));
  });
});

describe('board choice', () => {
  it('auto: gpiochip when the device tree says Raspberry Pi, else virtual', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeblink-model-'));
    writeFileSync(join(dir, 'pi'), 'Raspberry Pi 5 Model B Rev 1.0\u0000');
    writeFileSync(join(dir, 'pc'), 'QEMU Standard PC\u0000');
    assert.equal((await resolveBoard('auto', join(dir, 'pi'))).name, 'gpiochip');
    assert.equal((await resolveBoard('auto', join(dir, 'pc'))).name, 'virtual');
    assert.equal((await resolveBoard('auto', join(dir, 'missing'))).name, 'virtual');
    assert.equal((await resolveBoard('raspi')).name, 'raspi');
    await assert.rejects(resolveBoard('arduino'), /unknown board arduino; one of auto, virtual, gpiochip, raspi/);
  });

  it('virtual: draws the breadboard in the terminal with ANSI colours', async () => {
    const engine = new LedEngine({ layout: BUILTIN_LAYOUTS.compact });
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const v = new VirtualBoard(ctx(engine, { render: out, caption: (s) => (s === 0 ? 'demo/web-1 Running' : '') }));
    const opened = await v.open(engine.leds.map((l) => ({ pin: l.pin, pwm: l.pwm })));
    v.write(opened[0]?.index as number, 1);
    await v.close();
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^\x1b\[2Kslot 0 \x1b\[38;2;40;230;60m●\x1b\[0m state {2}demo\/web-1 Running$/);
    assert.match(lines[1] ?? '', /^\x1b\[2Kslot 1 \x1b\[38;2;5;28;7m●/, 'a dark LED is a dim dot');
    assert.equal(lines.filter((l) => l.includes('status')).length, 1);
    assert.throws(() => v.write(17, 1), /after release/);
  });
});
