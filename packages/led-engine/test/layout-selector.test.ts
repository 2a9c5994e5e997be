// Layouts (built-in data, custom checks, flattening) and label selectors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configValidators } from '@kubeblink/schemas';
import { BUILTIN_LAYOUTS, checkLayout, flattenLayout, LayoutError } from '../src/layout.ts';
import { levelAt, nextEdge, PATTERNS } from '../src/patterns.ts';
import { matchesSelector, parseSelector, SelectorError } from '../src/selector.ts';

describe('layouts', () => {
  it('the built-in layouts are valid against the schema and the extra rules', () => {
    for (const [name, layout] of Object.entries(BUILTIN_LAYOUTS)) {
      assert.ok(
        configValidators.ledLayout(structuredClone(layout)),
        `${name}: ${JSON.stringify(configValidators.ledLayout.errors)}`,
      );
      assert.doesNotThrow(() => checkLayout(layout, name));
    }
    assert.equal(BUILTIN_LAYOUTS.talk.slots.length, 2);
    assert.ok(BUILTIN_LAYOUTS.talk.slots.every((s) => s.leds.length === 6));
    assert.equal(BUILTIN_LAYOUTS.compact.slots.length, 6);
    assert.ok(BUILTIN_LAYOUTS.compact.slots.every((s) => s.leds.length === 1 && s.leds[0]?.role === 'state'));
  });

  it('reports every problem a schema cannot see, at once', () => {
    const err = (() => {
      try {
        checkLayout(
          {
            name: 'bad',
            status: { role: 'request', pin: 17 },
            slots: [
              {
                leds: [
                  { role: 'state', pin: 17 },
                  { role: 'state', pin: 18 },
                ],
              },
              { leds: [{ role: 'status', pin: 'GPIO5' }] },
            ],
          },
          'bad.yaml',
        );
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof LayoutError);
    assert.deepEqual(err.problems, [
      '/slots/0/leds/1: slot 0 has two state LEDs',
      "/slots/1/leds/0: role status belongs in the layout's status LED",
      '/status: role must be status, not request',
      '/status: pin 17 is already used by /slots/0/leds/0',
    ]);
    assert.throws(() => checkLayout({ name: 'x', slots: [] }), /must NOT have fewer than 1 items/);
  });

  it('flattens slot by slot, then status; PWM only where the layout and the board agree', () => {
    const leds = flattenLayout(
      {
        name: 'x',
        activeLow: true,
        status: { role: 'status', pin: 21 },
        slots: [
          { leds: [{ role: 'state', pin: 17, pwm: true, activeLow: false, color: 'green' }] },
          { leds: [{ role: 'state', pin: 18, pwm: true }] },
        ],
      },
      (pin) => pin !== 18,
    );
    assert.deepEqual(
      leds.map((l) => [l.index, l.id, l.slot, l.pin, l.pwm, l.activeLow, l.color]),
      [
        [0, 'slot0.state', 0, 17, true, false, 'green'],
        [1, 'slot1.state', 1, 18, false, true, null],
        [2, 'status', null, 21, false, true, null],
      ],
    );
  });
});

describe('patterns', () => {
  it('step patterns repeat and report their edges', () => {
    assert.deepEqual(
      [0, 149, 150, 299, 300, 1499, 1500].map((t) => levelAt(PATTERNS.doubleBlink, 0, t)),
      [1, 1, 0, 0, 1, 0, 1],
    );
    assert.deepEqual(
      [0, 150, 449, 450, 1499].map((t) => nextEdge(PATTERNS.doubleBlink, 0, t, 20)),
      [150, 300, 450, 1500, 1500],
    );
  });

  it('one-shot patterns end, smooth ones ask for the next frame', () => {
    assert.ok(Number.isNaN(levelAt(PATTERNS.tripleFlash, 100, 1150)));
    assert.equal(nextEdge(PATTERNS.tripleFlash, 100, 1100, 20), 1150);
    assert.equal(nextEdge(PATTERNS.tripleFlash, 100, 1150, 20), Number.POSITIVE_INFINITY);
    assert.equal(nextEdge(PATTERNS.fadeOut, 0, 1990, 20), 2000);
    assert.equal(nextEdge(PATTERNS.breathing, 0, 1990, 20), 2010);
    assert.equal(levelAt(PATTERNS.fadeOut, 0, 2500), 0);
  });
});

describe('label selectors', () => {
  const m = (sel: string, labels: Record<string, string>) => matchesSelector(parseSelector(sel), labels);
  it('matches equality, set-based and existence requirements like kubectl -l', () => {
    assert.ok(m('app=web', { app: 'web' }));
    assert.ok(m('app==web', { app: 'web' }));
    assert.ok(!m('app=web', { app: 'api' }));
    assert.ok(m('tier!=db', {}), '!= also matches pods without the label');
    assert.ok(m('app in (web, api)', { app: 'api' }));
    assert.ok(!m('app notin (web,api)', { app: 'api' }));
    assert.ok(m('app', { app: '' }));
    assert.ok(m('!canary', { app: 'web' }));
    assert.ok(!m('app,!canary', { app: 'web', canary: 'true' }));
    assert.ok(m('app.kubernetes.io/name=web', { 'app.kubernetes.io/name': 'web' }));
    assert.ok(m('', { any: 'thing' }), 'an empty selector matches everything');
  });
  it('rejects invalid selectors with a clear error', () => {
    assert.throws(() => parseSelector('app=web!'), SelectorError);
    assert.throws(() => parseSelector('a b'), /invalid label key "a b"/);
  });
});
