// The in-process broker of `kubeblink up`: Aedes with kubeblink's hooks on 127.0.0.1, auth on.
// The watcher and the LED services get generated passwords (users file in up's state directory,
// mode 0600); demo-app pods log in with their ServiceAccount tokens, checked by TokenReview against
// the cluster (role app: each pod only its own signals); anonymous clients may only read
// (mosquitto_sub, the dashboard) — and only from this machine, as the broker binds 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Broker } from '@kubeblink/broker';
import type { Component, Logger, Registry } from '@kubeblink/core';
import { validateConfig } from '@kubeblink/schemas';
import { stringify } from 'yaml';
import { heavy } from './heavy.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface BrokerComponentOptions {
  dir: string;
  port: number;
  wsPort: number;
  log: Logger;
  registry: Registry;
  /** kubeconfig for TokenReviews of app pods' tokens (the simulated cluster); none: token auth off. */
  tokenKubeconfig?: () => string | undefined;
  /** Namespaces whose ServiceAccounts get role app. */
  appNamespaces: string[];
}

const inUse = (err: unknown) => (err as { code?: string })?.code === 'EADDRINUSE';

export class BrokerComponent implements Component {
  readonly name = 'broker';
  readonly creds: { watcher: Credentials; led: Credentials; tail: Credentials };
  broker: Broker | undefined;
  /** Set when the wanted port was taken and another was used. */
  portNote = '';
  private readonly o: BrokerComponentOptions;

  constructor(o: BrokerComponentOptions) {
    this.o = o;
    const cred = (username: string) => ({ username, password: randomBytes(18).toString('base64url') });
    this.creds = { watcher: cred('up-watcher'), led: cred('up-led'), tail: cred('up-screen') };
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.broker?.port ?? 0}`;
  }

  get wsUrl(): string | undefined {
    return this.broker?.wsPort ? `ws://127.0.0.1:${this.broker.wsPort}` : undefined;
  }

  async start(): Promise<void> {
    const { Broker, hashPassword } = await heavy.broker();
    const users = join(this.o.dir, 'broker-users.yaml');
    const { watcher, led, tail } = this.creds;
    const entry = async (c: Credentials, role: string) => ({
      username: c.username,
      role,
      // A random 144-bit password cannot be guessed whatever the hash cost: a cheap scrypt keeps
      // every login (and with it the first lit LED) fast.
      passwordHash: await hashPassword(c.password, { N: 1024, r: 8, p: 1 }),
    });
    const kubeconfig = this.o.tokenKubeconfig?.();
    const doc = {
      // scrypt runs in libuv's thread pool: the three hashes in parallel.
      users: await Promise.all([entry(watcher, 'watcher'), entry(led, 'reader'), entry(tail, 'reader')]),
      ...(kubeconfig
        ? { serviceAccounts: this.o.appNamespaces.map((namespace) => ({ namespace, name: '*', role: 'app' })) }
        : {}),
    };
    writeFileSync(users, stringify(doc), { mode: 0o600 });
    const settings = (port: number, wsPort: number) => {
      const raw = {
        host: '127.0.0.1',
        port,
        wsPort,
        users,
        allowAnonymousRead: true,
        tokenAuth: kubeconfig ? 'on' : 'off',
        ...(kubeconfig ? { kubeconfig } : {}),
        shutdownTimeout: 500,
      };
      const v = validateConfig('brokerSettings', raw);
      if (!v.ok) throw new Error(`broker settings: ${v.errors.join('; ')}`);
      return v.value;
    };
    const attempt = async (port: number, wsPort: number) => {
      const b = new Broker({ settings: settings(port, wsPort), log: this.o.log, registry: this.o.registry });
      await b.start();
      return b;
    };
    try {
      this.broker = await attempt(this.o.port, this.o.wsPort);
    } catch (err) {
      if (!inUse(err)) throw err;
      this.broker = await attempt(0, this.o.wsPort < 0 ? -1 : 0);
      this.portNote = `port ${this.o.port} (or ${this.o.wsPort}) was taken: the broker listens on ${this.broker.port} instead`;
    }
  }

  async stop(): Promise<void> {
    await this.broker?.stop();
    this.broker = undefined;
  }
}
