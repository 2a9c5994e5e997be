import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImage, resolveImage } from '../src/image.ts';

describe('image resolution', () => {
  it('knows the demo app under any registry; the tag is the version', () => {
    const a = resolveImage('kubeblink/demo-app:v2');
    assert.deepEqual(a.ok && { image: a.image, version: a.version }, {
      image: 'docker.io/kubeblink/demo-app:v2',
      version: 'v2',
    });
    const b = resolveImage('ghcr.io/someone/kubeblink/demo-app:1.4.0');
    assert.deepEqual(b.ok && { image: b.image, version: b.version }, {
      image: 'ghcr.io/someone/kubeblink/demo-app:1.4.0',
      version: '1.4.0',
    });
    const c = resolveImage('localhost:5000/kubeblink/demo-app');
    assert.deepEqual(c.ok && { image: c.image, version: c.version }, {
      image: 'localhost:5000/kubeblink/demo-app:latest',
      version: 'latest',
    });
  });

  it('gives the same image the same imageID, a different tag a different one', () => {
    const a = resolveImage('kubeblink/demo-app:v1');
    const b = resolveImage('docker.io/kubeblink/demo-app:v1');
    const c = resolveImage('kubeblink/demo-app:v2');
    assert.ok(a.ok && b.ok && c.ok);
    assert.match(a.imageID, /^docker\.io\/kubeblink\/demo-app@sha256:[0-9a-f]{64}$/);
    assert.equal(a.imageID, b.imageID);
    assert.notEqual(a.imageID, c.imageID);
  });

  it('fails to pull anything else, and refuses names that are not references', () => {
    const x = resolveImage('nginx:1.27');
    assert.equal(x.ok, false);
    assert.equal(!x.ok && x.reason, 'ErrImagePull');
    assert.match(!x.ok ? x.message : '', /docker\.io\/library\/nginx:1\.27/);
    assert.equal(resolveImage('kubeblink/demo-app-evil:v1').ok, false);
    const bad = resolveImage('Kubeblink/Demo App');
    assert.equal(!bad.ok && bad.reason, 'InvalidImageName');
  });

  it('parses references as the Docker CLI does', () => {
    assert.deepEqual(parseImage('busybox'), {
      domain: 'docker.io',
      path: 'library/busybox',
      tag: undefined,
      digest: undefined,
    });
    assert.equal(parseImage('registry:5000/a/b:t')?.domain, 'registry:5000');
    assert.equal(parseImage(`a/b@sha256:${'0'.repeat(64)}`)?.digest, `sha256:${'0'.repeat(64)}`);
  });
});
