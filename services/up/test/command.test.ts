// The `kubeblink up` command line: flags from its settings schema, and --no-demo-app.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProgram } from '@kubeblink/cli';
import type { UpSettings } from '@kubeblink/schemas';
import { upCommand } from '../src/command.ts';

async function parse(...argv: string[]): Promise<UpSettings> {
  let got: UpSettings | undefined;
  const spec = {
    ...upCommand,
    run: async (s: UpSettings) => {
      got = s;
    },
  };
  await buildProgram([spec]).parseAsync(['node', 'kubeblink', 'up', ...argv]);
  assert.ok(got);
  return got;
}

describe('kubeblink up command line', () => {
  it('deploys the demo app unless told --no-demo-app', async () => {
    assert.equal((await parse()).demoApp, true);
    assert.equal((await parse('--no-demo-app')).demoApp, false);
  });

  it('takes a named context, a layout and ports, with the defaults filled in', async () => {
    const s = await parse('--context', 'pis', '--layout', 'compact', '--port', '1884');
    assert.deepEqual(
      { context: s.context, layout: s.layout, port: s.port, wsPort: s.wsPort, httpPort: s.httpPort, rps: s.rps },
      { context: 'pis', layout: 'compact', port: 1884, wsPort: 9001, httpPort: 9100, rps: 2 },
    );
  });
});
