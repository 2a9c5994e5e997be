import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defineCommand } from '@kubeblink/core';
import { buildProgram } from '../src/main.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'kubeblink.js');

describe('kubeblink command', () => {
  it('runs on the project-pinned Node 24', () => {
    assert.equal(process.versions.node.split('.')[0], '24');
    const r = spawnSync('npm', ['exec', '--', 'node', '--version'], { encoding: 'utf8' });
    assert.match(r.stdout.trim(), /^v24\./);
  });

  it('prints help and version', () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: kubeblink/);
    assert.match(help.stdout, /KUBEBLINK_\* environment variable/);
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('turns a settings schema into flags with help, and validates all of them at once', async () => {
    let ran: unknown;
    const spec = defineCommand({
      name: 'led',
      summary: 'test led',
      settings: 'ledSettings',
      run: async (s) => {
        ran = s;
      },
    });
    const program = buildProgram([spec as never]);
    let helpText = '';
    for (const c of [program, ...program.commands]) {
      c.exitOverride().configureOutput({ writeOut: (s) => (helpText += s), writeErr: () => {} });
    }
    await assert.rejects(program.parseAsync(['node', 'kubeblink', 'led', '--help']));
    assert.match(helpText, /--node <value>\s+The Kubernetes node whose pods this board shows/);
    assert.match(helpText, /--board <auto\|raspi\|gpiochip\|virtual>/);
    assert.match(helpText, /\[KUBEBLINK_HTTP_PORT\] \(default: 9104\)/);
    await buildProgram([spec as never]).parseAsync([
      'node',
      'kubeblink',
      'led',
      '--node',
      'pi3-worker-1',
      '--http-port',
      '0',
    ]);
    assert.deepEqual(
      { node: (ran as { node: string }).node, port: (ran as { httpPort: number }).httpPort },
      { node: 'pi3-worker-1', port: 0 },
    );
  });

  it('exits 2 listing every configuration problem', () => {
    // A child process that registers a command with the led settings and runs it with bad input.
    const script = `
      import { defineCommand } from '@kubeblink/core';
      import { buildProgram } from ${JSON.stringify(join(import.meta.dirname, '..', 'src', 'main.ts'))};
      const spec = defineCommand({ name: 'led', summary: 's', settings: 'ledSettings', run: async () => {} });
      await buildProgram([spec]).parseAsync(process.argv);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, 'x', 'led', '--board', 'teapot'], {
      encoding: 'utf8',
      env: { ...process.env, KUBEBLINK_HTTP_PORT: 'high' },
      cwd: join(import.meta.dirname, '..'),
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /invalid led settings/);
    assert.match(r.stderr, /must have required property 'node'/);
    assert.match(r.stderr, /\/board must be equal to one of the allowed values.*\(from --board\)/);
    assert.match(r.stderr, /\/httpPort must be integer \(from KUBEBLINK_HTTP_PORT\)/);
  });
});
