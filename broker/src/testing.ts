// An in-process kubeblink broker on ephemeral loopback ports, for other services' tests:
//
//   const b = await startTestBroker({ users: [{ username: 'watcher', password: 'pw', role: 'watcher' }] });
//   ... connect to b.url (mqtt://127.0.0.1:<port>) or b.wsUrl ...
//   await b.stop();
//
// Users are written to a temporary users file with cheap scrypt parameters (fast logins in tests;
// never use such a cost in production). Every other setting can be overridden.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistry, type Logger, type Registry, silentLogger } from '@kubeblink/core';
import { type BrokerSettings, type ServiceAccountRole, validateConfig } from '@kubeblink/schemas';
import { stringify } from 'yaml';
import { Broker } from './broker.ts';
import { hashPassword } from './password.ts';
import type { Reviewer } from './tokens.ts';

export interface TestUser {
  username: string;
  password: string;
  role: 'watcher' | 'app' | 'reader' | 'admin';
  clusters?: string[];
  pod?: { namespace: string; name: string; node?: string };
  /** scrypt cost of this user's hash (default: a cheap one, for fast test logins). */
  cost?: { N: number; r: number; p: number };
}

export interface TestBrokerOptions {
  users?: TestUser[];
  serviceAccounts?: ServiceAccountRole[];
  /** Any broker setting (ports default to 0, host to 127.0.0.1, persistence to memory). */
  settings?: Partial<BrokerSettings>;
  /** Fake TokenReview (turns token authentication on). */
  reviewer?: Reviewer;
  log?: Logger;
  registry?: Registry;
}

export interface TestBroker {
  broker: Broker;
  port: number;
  wsPort: number;
  /** mqtt://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<wsPort> */
  wsUrl: string;
  registry: Registry;
  settings: BrokerSettings;
  /** The users file (rewrite it with writeUsers to test reloads). */
  usersFile: string | undefined;
  writeUsers(users: TestUser[], serviceAccounts?: ServiceAccountRole[]): Promise<void>;
  /** Value of a counter/gauge with these labels (0 when never set). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

const TEST_COST = { N: 1024, r: 8, p: 1 };

async function usersYaml(users: TestUser[], serviceAccounts: ServiceAccountRole[] = []): Promise<string> {
  const entries = await Promise.all(
    users.map(async ({ password, cost, ...u }) => ({
      ...u,
      passwordHash: await hashPassword(password, cost ?? TEST_COST),
    })),
  );
  return stringify({ users: entries, ...(serviceAccounts.length ? { serviceAccounts } : {}) });
}

export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeblink-broker-'));
  let usersFile: string | undefined;
  if (opts.users || opts.serviceAccounts) {
    usersFile = join(dir, 'users.yaml');
    writeFileSync(usersFile, await usersYaml(opts.users ?? [], opts.serviceAccounts));
  }
  const raw: Record<string, unknown> = {
    host: '127.0.0.1',
    port: 0,
    wsPort: 0,
    httpPort: 0,
    usersPollInterval: 200,
    tokenAuth: 'off',
    ...(usersFile ? { users: usersFile } : {}),
    ...opts.settings,
  };
  const valid = validateConfig('brokerSettings', raw);
  if (!valid.ok) throw new Error(`startTestBroker: invalid settings: ${valid.errors.join('; ')}`);
  const settings = valid.value;
  const registry = opts.registry ?? createRegistry('broker', false);
  const broker = new Broker({ settings, log: opts.log ?? silentLogger(), registry, reviewer: opts.reviewer });
  await broker.start();
  return {
    broker,
    port: broker.port,
    wsPort: broker.wsPort,
    url: `mqtt://127.0.0.1:${broker.port}`,
    wsUrl: `ws://127.0.0.1:${broker.wsPort}`,
    registry,
    settings,
    usersFile,
    async writeUsers(users, serviceAccounts) {
      if (!usersFile) throw new Error('startTestBroker: started without a users file');
      writeFileSync(usersFile, await usersYaml(users, serviceAccounts));
      await broker.users?.reload();
    },
    async metric(name, labels = {}) {
      const m = registry.getSingleMetric(name);
      if (!m) return 0;
      const { values } = await m.get();
      const hit = values.find((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x));
      return hit?.value ?? 0;
    },
    async stop() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
