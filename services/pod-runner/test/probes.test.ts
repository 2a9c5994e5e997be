import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbeState, probePort, probeSpec } from '../src/probes.ts';

const spec = (o: Parameters<typeof probeSpec>[0]) => probeSpec(o) ?? assert.fail('no spec');

describe('probe state machine (kubelet prober worker)', () => {
  it('applies the API defaults', () => {
    const s = spec({ httpGet: { path: '/healthz', port: 'http' } });
    assert.deepEqual(
      { ...s, action: undefined },
      {
        initialDelayMs: 0,
        periodMs: 10_000,
        timeoutMs: 1_000,
        successThreshold: 1,
        failureThreshold: 3,
        terminationGraceMs: undefined,
        action: undefined,
      },
    );
    assert.deepEqual(s.action, { kind: 'http', scheme: 'http', port: 'http', path: '/healthz', headers: {} });
  });

  it('starts readiness as failure and needs successThreshold successes in a row', () => {
    const r = new ProbeState('readiness', spec({ httpGet: { port: 8080 }, successThreshold: 2, failureThreshold: 2 }));
    assert.equal(r.result, 'failure');
    assert.equal(r.observe(true), false);
    assert.equal(r.observe(false), false); // the run restarts
    assert.equal(r.observe(true), false);
    assert.equal(r.observe(true), true);
    assert.equal(r.result, 'success');
    assert.equal(r.observe(false), false); // one failure is below failureThreshold
    assert.equal(r.result, 'success');
    assert.equal(r.observe(false), true);
    assert.equal(r.result, 'failure');
    assert.equal(r.onHold, false); // readiness keeps probing: the pod can become ready again
    assert.equal(r.observe(true), false);
    assert.equal(r.observe(true), true);
  });

  it('starts liveness as success; failureThreshold failures fail it and put it on hold', () => {
    const l = new ProbeState(
      'liveness',
      spec({ httpGet: { port: 8080 }, failureThreshold: 3, initialDelaySeconds: 5 }),
    );
    assert.equal(l.result, 'success');
    assert.equal(l.due(4_999), false);
    assert.equal(l.due(5_000), true);
    l.observe(false);
    l.observe(false);
    assert.equal(l.result, 'success');
    assert.equal(l.observe(false), true);
    assert.equal(l.result, 'failure');
    assert.equal(l.onHold, true);
    assert.equal(l.due(60_000), false);
  });

  it('starts startup as unknown', () => {
    const s = new ProbeState('startup', spec({ tcpSocket: { port: 8080 } }));
    assert.equal(s.result, 'unknown');
    assert.equal(s.observe(true), true);
    assert.equal(s.result, 'success');
  });

  it('resolves named ports through the container ports', () => {
    const c = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
    assert.equal(probePort('http', c), 8080);
    assert.equal(probePort(9090, c), 9090);
    assert.equal(probePort('9091', c), 9091);
    assert.equal(probePort('metrics', c), undefined);
  });
});
