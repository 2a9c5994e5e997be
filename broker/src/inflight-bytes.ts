// Inbound QoS 2 messages a client holds unreleased are bounded in bytes too, for every role (issue
// 15): Aedes bounds their number (maxInflightInbound) and keeps each one until its PUBREL
// (MQTT-4.3.3), so 1,000 payloads of --max-payload each (256 MiB) could sit in memory per client.
// A message is admitted at its PUBLISH (authorizePublish) and released when Aedes deletes it from
// the incoming store at its PUBREL (persistence incomingDelPacket, wrapped in broker.ts).
export class InboundQos2Bytes {
  private readonly held = new Map<number, number>();
  private total = 0;
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /**
   * Admits a QoS 2 PUBLISH of `bytes` with this id, or refuses it when the client would hold more
   * than the bound. One message is always admitted when nothing else is held (--max-payload bounds it).
   */
  admit(messageId: number, bytes: number): boolean {
    this.release(messageId); // a DUP retransmission replaces its own
    if (this.total > 0 && this.total + bytes > this.max) return false;
    this.held.set(messageId, bytes);
    this.total += bytes;
    return true;
  }

  release(messageId: number): void {
    const bytes = this.held.get(messageId);
    if (bytes === undefined) return;
    this.held.delete(messageId);
    this.total -= bytes;
  }

  get bytes(): number {
    return this.total;
  }
}
