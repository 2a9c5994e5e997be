// Raw MQTT 3.1.1 clients for classroom.bench.ts (mqtt-packet, no client library, no reconnects): a
// subscriber that counts PUBLISHes and acknowledges QoS 1, one that stops reading its socket, a
// publisher, and a flood CONNECT that drops its socket after a few milliseconds.
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

type Creds = { username: string; password: string };

function connectPacket(clientId: string, creds?: Creds): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId,
    keepalive: 0,
    ...(creds ? { username: creds.username, password: Buffer.from(creds.password) } : {}),
  });
}

export class RawClient {
  readonly socket: Socket;
  /** PUBLISH packets received. */
  count = 0;
  /** Resolves when the connection ends (closed by either side). */
  readonly ended: Promise<void>;
  private readonly waiters = new Map<string, (packet: mqttPacket.Packet) => void>();
  private messageId = 0;

  private constructor(port: number, localAddress?: string) {
    this.socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    this.socket.setNoDelay(true);
    this.ended = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => {}); // a refused or cut-off client just ends
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      if (packet.cmd === 'publish') {
        this.count++;
        if (packet.qos === 1 && packet.messageId !== undefined) {
          this.socket.write(mqttPacket.generate({ cmd: 'puback', messageId: packet.messageId }));
        }
        return;
      }
      this.waiters.get(packet.cmd)?.(packet);
      this.waiters.delete(packet.cmd);
    });
    this.socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  }

  private next(cmd: string): Promise<mqttPacket.Packet> {
    return new Promise((resolve, reject) => {
      this.waiters.set(cmd, resolve);
      this.ended.then(() => reject(new Error(`connection ended before ${cmd}`)));
    });
  }

  /** Connected after a successful CONNACK; rejects on a refusal. */
  static async open(port: number, clientId: string, creds?: Creds, localAddress?: string): Promise<RawClient> {
    const c = new RawClient(port, localAddress);
    const connack = c.next('connack');
    c.socket.write(connectPacket(clientId, creds));
    const ack = (await connack) as mqttPacket.IConnackPacket;
    if (ack.returnCode) {
      c.destroy();
      throw new Error(`CONNACK ${ack.returnCode}`);
    }
    return c;
  }

  /** Sends a CONNECT and drops the socket after `ms`, answered or not (a flood's client). */
  static knock(port: number, localAddress: string, creds: Creds, ms: number): Promise<void> {
    const c = new RawClient(port, localAddress);
    c.socket.once('connect', () => {
      c.socket.write(connectPacket(`flood-${localAddress}-${c.socket.localPort}`, creds));
      setTimeout(() => c.destroy(), ms);
    });
    return c.ended;
  }

  async subscribe(filter: string, qos: 0 | 1): Promise<void> {
    const suback = this.next('suback');
    this.socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos }] }));
    await suback;
  }

  /** Stops reading the socket, as a laptop that went to sleep: the broker's writes back up. */
  freeze(): void {
    this.socket.pause();
  }

  publish(topic: string, payload: string, qos: 0 | 1, n: number): void {
    const chunks: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      this.messageId = (this.messageId % 65535) + 1;
      chunks.push(
        mqttPacket.generate({
          cmd: 'publish',
          topic,
          payload,
          qos,
          retain: false,
          dup: false,
          ...(qos ? { messageId: this.messageId } : {}),
        }),
      );
    }
    this.socket.write(Buffer.concat(chunks));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
