// Debian's mosquitto clients as independent MQTT peers in tests. A test that uses them declares it
// with `{ skip: needTool(MOSQUITTO_CLIENTS) }` (./system-tool.ts): skipped with the install line, a CI failure.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Received {
  topic: string;
  retained: boolean;
  payload: string;
  /** The QoS of the delivery (MosquittoSub only). */
  qos?: number;
}

/** mosquitto_sub: collects messages (topic, retain flag, payload) until stopped. */
export class MosquittoSub {
  readonly messages: Received[] = [];
  private child: ChildProcess;
  private buffer = '';
  private waiters: (() => void)[] = [];

  constructor(port: number, topics: string[], extra: string[] = []) {
    const args = ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-F', '%r\t%q\t%t\t%p', ...extra];
    for (const t of topics) args.push('-t', t);
    this.child = spawn('mosquitto_sub', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      let i = this.buffer.indexOf('\n');
      while (i >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        const [r, q, topic, ...rest] = line.split('\t');
        this.messages.push({ retained: r === '1', qos: Number(q), topic: topic ?? '', payload: rest.join('\t') });
        i = this.buffer.indexOf('\n');
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves when a message matching `pred` has arrived (or rejects after `ms`). */
  async waitFor(pred: (m: Received) => boolean, ms = 5000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`mosquitto_sub: no matching message in ${ms} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Stops mosquitto_sub (it disconnects cleanly on SIGTERM); resolves once it has exited. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill();
    return exited;
  }
}

/** mosquitto_pub once. A zero-length message is `-n`. */
export async function mosquittoPub(
  port: number,
  topic: string,
  payload: string | null,
  opts: { retain?: boolean; qos?: 0 | 1 | 2; extra?: string[] } = {},
): Promise<void> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-t', topic, '-q', String(opts.qos ?? 0)];
  if (opts.retain) args.push('-r');
  if (payload === null) args.push('-n');
  else args.push('-m', payload);
  await run('mosquitto_pub', [...args, ...(opts.extra ?? [])]);
}

/** Retained messages under a filter, read with mosquitto_sub --retained-only and a short idle timeout. */
export async function retainedMessages(port: number, filter: string, extra: string[] = []): Promise<Received[]> {
  const { stdout } = await run('mosquitto_sub', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-V',
    'mqttv311',
    '-t',
    filter,
    '--retained-only',
    '-W',
    '1',
    '-F',
    '%r\t%t\t%p',
    ...extra,
  ]).catch((err: { stdout?: string; code?: number }) => {
    // -W ends mosquitto_sub with exit code 27 after the timeout: that is how it stops here.
    if (err.code === 27 && typeof err.stdout === 'string') return { stdout: err.stdout };
    throw err;
  });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [r, topic, ...rest] = line.split('\t');
      return { retained: r === '1', topic: topic ?? '', payload: rest.join('\t') };
    });
}
