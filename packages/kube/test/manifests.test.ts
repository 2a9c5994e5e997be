import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadKubeConfig, readManifests } from '../src/index.ts';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeblink-kube-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('readManifests', () => {
  it('reads every YAML file of a folder in name order, all documents, skipping kustomization.yaml', () => {
    const dir = folder({
      '20-app.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n',
      '10-namespace.yml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n',
      'kustomization.yaml': 'resources: [10-namespace.yml]\n',
      'notes.txt': 'not a manifest',
    });
    assert.deepEqual(
      readManifests(dir).map((o) => `${o.kind}/${o.metadata?.name}`),
      ['Namespace/demo', 'Deployment/web', 'Service/web'],
    );
  });

  it('fills $-brace placeholders and names every one without a value', () => {
    const dir = folder({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifests' own placeholder syntax
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "${N}"}\ndata: {x: "${X}", y: "${Y}"}\n',
    });
    assert.equal(readManifests(dir, { vars: { N: 'cm', X: '1', Y: '2' } })[0]?.metadata?.name, 'cm');
    assert.throws(() => readManifests(dir, { vars: { N: 'cm' } }), /a\.yaml: no value for \$\{X\}, \$\{Y\}/);
  });

  it('refuses an object without kind or name, naming the file', () => {
    const dir = folder({ 'bad.yaml': 'apiVersion: v1\nmetadata: {}\n' });
    assert.throws(() => readManifests(dir), /bad\.yaml: an object without kind, metadata\.name/);
  });

  it('refuses broken YAML and an empty folder', () => {
    assert.throws(() => readManifests(folder({ 'x.yaml': 'a: [1\n' })), /x\.yaml: /);
    assert.throws(() => readManifests(folder({})), /no \*\.yaml manifests/);
  });
});

describe('loadKubeConfig', () => {
  const kubeconfig = join(
    folder({
      config: `apiVersion: v1
kind: Config
clusters:
- {name: sim, cluster: {server: "https://127.0.0.1:6443"}}
- {name: pis, cluster: {server: "https://192.168.1.10:6443"}}
users: [{name: u, user: {token: t}}]
contexts:
- {name: sim, context: {cluster: sim, user: u}}
- {name: pis, context: {cluster: pis, user: u}}
current-context: sim
`,
    }),
    'config',
  );

  it('uses the current context unless one is named', async () => {
    const { currentContext } = await import('../src/index.ts');
    assert.deepEqual(currentContext(loadKubeConfig({ kubeconfig })), { name: 'sim', server: 'https://127.0.0.1:6443' });
    assert.deepEqual(currentContext(loadKubeConfig({ kubeconfig, context: 'pis' })), {
      name: 'pis',
      server: 'https://192.168.1.10:6443',
    });
  });

  it('refuses an unknown context, listing the known ones', () => {
    assert.throws(
      () => loadKubeConfig({ kubeconfig, context: 'prod' }),
      /^Error: kubeconfig .*: no context "prod"; its contexts: sim, pis$/,
    );
  });
});
