// Issue 22, point 2: the header's chip is found by its label on every Pi and kernel, and every chip
// it may be is handed to the LED pod by the device plugin. The layouts are the chips and labels each
// kernel registers (gpiodetect); the Pi 5 ones as the kernels changed them, none seen on a real Pi
// by this project yet (docs/raspberry-pi.md, "What was verified").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { type Gpiod, pickChip } from '../src/boards/gpiochip.ts';

type Layout = [name: string, label: string, lines: number][];

const BRCMSTB = (first: number): Layout => [
  [`gpiochip${first}`, 'gpio-brcmstb@107d508500', 32],
  [`gpiochip${first + 1}`, 'gpio-brcmstb@107d508520', 4],
  [`gpiochip${first + 2}`, 'gpio-brcmstb@107d517c00', 17],
  [`gpiochip${first + 3}`, 'gpio-brcmstb@107d517c20', 6],
];

/** Each layout and the chip that drives the header on it. */
const LAYOUTS: { pi: string; chips: Layout; header: string }[] = [
  {
    pi: 'Pi 3 (BCM2837)',
    chips: [
      ['gpiochip0', 'pinctrl-bcm2835', 54],
      ['gpiochip1', 'raspberrypi-exp-gpio', 8],
    ],
    header: 'gpiochip0',
  },
  {
    pi: 'Pi 4 (BCM2711)',
    chips: [
      ['gpiochip0', 'pinctrl-bcm2711', 58],
      ['gpiochip1', 'raspberrypi-exp-gpio', 8],
    ],
    header: 'gpiochip0',
  },
  { pi: 'Pi 5, kernel before 6.6.45', chips: [...BRCMSTB(0), ['gpiochip4', 'pinctrl-rp1', 54]], header: 'gpiochip4' },
  { pi: 'Pi 5, kernel 6.6.45 on', chips: [['gpiochip0', 'pinctrl-rp1', 54], ...BRCMSTB(10)], header: 'gpiochip0' },
  { pi: 'Pi 5, gpiochip11-15 only', chips: [...BRCMSTB(11), ['gpiochip15', 'pinctrl-rp1', 54]], header: 'gpiochip15' },
];

/** node-libgpiod's Chip and getChipNames over a layout; `opened` lists each chip opened. */
function gpiodOver(chips: Layout, opened: string[] = []): Gpiod {
  class Chip {
    readonly name: string;
    readonly label: string;
    readonly numberOfLines: number;
    readonly lineNames: string[] = [];
    constructor(id: number | string) {
      const c = chips.find(([name]) => name === String(id) || `/dev/${name}` === id);
      if (!c) throw new Error(`Chip::new - Unable to open device ${id}`);
      [this.name, this.label, this.numberOfLines] = c;
      opened.push(this.name);
    }
    getLine(): never {
      throw new Error('not used here');
    }
  }
  return { Chip, getChipNames: () => chips.map(([name]) => name) };
}

describe('pickChip: the chip labelled as the header’s', () => {
  for (const { pi, chips, header } of LAYOUTS) {
    it(`${pi}: ${header}`, () => {
      const chip = pickChip(gpiodOver(chips), undefined);
      assert.equal(chip.name, header);
      assert.match(chip.label, /^pinctrl-(bcm2835|bcm2711|rp1)$/);
    });
  }

  it('a chip named by --gpio-chip is used as it is, label or not', () => {
    const opened: string[] = [];
    const chip = pickChip(gpiodOver(LAYOUTS[2]?.chips ?? [], opened), '/dev/gpiochip1');
    assert.equal(chip.label, 'gpio-brcmstb@107d508520');
    assert.deepEqual(opened, ['gpiochip1']);
  });

  it('no header chip: the error lists every chip and label found', () => {
    assert.throws(
      () => pickChip(gpiodOver(BRCMSTB(0)), undefined),
      /no GPIO chip labelled as a Raspberry Pi header's; found gpiochip0 \(gpio-brcmstb@107d508500\), gpiochip1 \(gpio-brcmstb@107d508520\), gpiochip2 .*: set --gpio-chip/,
    );
  });
});

describe('device plugin (deploy/components/gpiochip)', () => {
  const file = join(import.meta.dirname, '..', '..', '..', 'deploy', 'components', 'gpiochip', 'device-plugin.yaml');
  const daemonSet = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .find((o) => o.kind === 'DaemonSet');
  const arg = (daemonSet.spec.template.spec.containers[0].args as string[]).find((a) => a.startsWith('--device='));
  const device = parse(arg?.slice('--device='.length) ?? 'null') as {
    name: string;
    groups: { count: number; paths: { path: string; permissions: string; optional?: boolean; mountPath?: string }[] }[];
  };

  it('is one device, kubeblink.io/gpiochip, of every optional chip, under its own name', () => {
    assert.equal(device.name, 'gpiochip');
    assert.equal(device.groups.length, 1);
    assert.equal(device.groups[0]?.count, 1);
    for (const p of device.groups[0]?.paths ?? []) {
      assert.deepEqual(p, { path: p.path, permissions: 'rw', optional: true }, p.path);
    }
  });

  it('passes in every chip that is the header’s on some layout above', () => {
    const paths = new Set(device.groups[0]?.paths.map((p) => p.path));
    for (const { pi, header } of LAYOUTS) assert.ok(paths.has(`/dev/${header}`), `${pi}: /dev/${header}`);
  });
});
