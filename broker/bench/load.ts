// The fan-out load generator of fanout.bench.ts, run as its own process so that the clients'
// work does not share the event loop of an in-process broker. Raw MQTT 3.1.1 sockets (no client
// library): the clients must be far cheaper than the broker, or the benchmark measures them.
//   node load.ts '{"port":1883,"qos":1,"subscribers":100,"messages":2000,...}'
// prints "ready" after connecting and warming up, waits for a line on stdin, then measures and
// prints {"deliveries":..,"seconds":..,"complete":true}
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

interface LoadOptions {
  port: number;
  qos: 0 | 1;
  subscribers: number;
  messages: number;
  warmup: number;
  window: number;
  topic: string;
  filter: string;
  payload: string;
  publisher?: { username: string; password: string };
  subscriber?: { username: string; password: string };
  timeoutMs: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;

class RawClient {
  readonly socket: Socket;
  count = 0;
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiters = new Map<number, () => void>();
  onPublish: () => void = () => {};

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.data(chunk));
    this.socket.on('error', (err) => {
      console.error(`load: socket error ${err.message}`);
      process.exit(1);
    });
  }

  /** Resolves at the next packet of this type (2 CONNACK, 9 SUBACK). */
  next(type: number): Promise<void> {
    return new Promise((resolve) => this.waiters.set(type, resolve));
  }

  private data(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let acks: Buffer[] | undefined;
    let got = 0;
    for (;;) {
      if (buf.length < 2) break;
      // Fixed header: type and flags, then the remaining length as a variable byte integer (MQTT 2.2.3).
      let len = 0;
      let mul = 1;
      let i = 1;
      let byte: number;
      do {
        if (i >= buf.length) break;
        byte = buf[i++] as number;
        len += (byte & 127) * mul;
        mul *= 128;
      } while (byte & 128);
      if (i >= buf.length && (buf[i - 1] as number) & 128) break;
      const end = i + len;
      if (buf.length < end) break;
      const header = buf[0] as number;
      const type = header >> 4;
      if (type === 3) {
        got++;
        if ((header >> 1) & 3) {
          const topicLen = buf.readUInt16BE(i);
          const id = buf.subarray(i + 2 + topicLen, i + 4 + topicLen);
          acks ??= [];
          acks.push(Buffer.from([0x40, 0x02, id[0] as number, id[1] as number]));
        }
      } else {
        if (type === 2 && buf[i + 1] !== 0) {
          console.error(`load: CONNACK return code ${buf[i + 1]}`);
          process.exit(1);
        }
        this.waiters.get(type)?.();
        this.waiters.delete(type);
      }
      buf = buf.subarray(end);
    }
    this.pending = buf;
    if (acks) this.socket.write(acks.length === 1 ? (acks[0] as Buffer) : Buffer.concat(acks));
    if (got) {
      this.count += got;
      this.onPublish();
    }
  }

  async open(clientId: string, creds?: { username: string; password: string }): Promise<void> {
    const connack = this.next(2);
    this.socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId,
        keepalive: 0,
        ...(creds ? { username: creds.username, password: Buffer.from(creds.password) } : {}),
      }),
    );
    await connack;
  }

  async subscribe(filter: string, qos: 0 | 1): Promise<void> {
    const suback = this.next(9);
    this.socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos }] }));
    await suback;
  }
}

async function main(): Promise<void> {
  const subs: RawClient[] = [];
  for (let i = 0; i < opts.subscribers; i++) {
    const c = new RawClient(opts.port);
    await c.open(`bench-sub-${i}`, opts.subscriber);
    await c.subscribe(opts.filter, opts.qos);
    subs.push(c);
  }
  const pub = new RawClient(opts.port);
  await pub.open('bench-pub', opts.publisher);
  const payload = Buffer.from(opts.payload);
  let messageId = 0;
  const packet = (): Buffer => {
    if (opts.qos === 0)
      return mqttPacket.generate({ cmd: 'publish', topic: opts.topic, payload, qos: 0, retain: false, dup: false });
    messageId = (messageId % 65535) + 1;
    return mqttPacket.generate({
      cmd: 'publish',
      topic: opts.topic,
      payload,
      qos: 1,
      messageId,
      retain: false,
      dup: false,
    });
  };

  const phase = (total: number): Promise<{ seconds: number; deliveries: number; complete: boolean }> =>
    new Promise((resolve) => {
      const base = subs.map((s) => s.count);
      let sent = 0;
      const started = process.hrtime.bigint();
      const min = () => {
        let m = Number.POSITIVE_INFINITY;
        for (let i = 0; i < subs.length; i++) m = Math.min(m, (subs[i] as RawClient).count - (base[i] as number));
        return m;
      };
      const finish = (complete: boolean) => {
        clearTimeout(timer);
        for (const s of subs) s.onPublish = () => {};
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const deliveries = subs.reduce((n, s, i) => n + s.count - (base[i] as number), 0);
        resolve({ seconds, deliveries, complete });
      };
      // Keep at most `window` messages between the publisher and the slowest subscriber: the
      // sustained rate, not how much a broker can buffer.
      const pump = () => {
        const done = min();
        if (done >= total) return finish(true);
        const chunks: Buffer[] = [];
        while (sent < total && sent - done < opts.window) {
          chunks.push(packet());
          sent++;
        }
        if (chunks.length) pub.socket.write(Buffer.concat(chunks));
      };
      const timer = setTimeout(() => finish(false), opts.timeoutMs);
      for (const s of subs) s.onPublish = pump;
      pump();
    });

  await phase(opts.warmup);
  // The coordinator samples the broker's CPU time between "ready" and our result: wait for its go.
  console.log('ready');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const result = await phase(opts.messages);
  console.log(JSON.stringify(result));
  for (const c of [...subs, pub]) c.socket.destroy();
}

await main();
