// Pod IPs for the runner's pods: unique, stable while a pod lives, from a range KWOK does not use
// (KWOK hands out 10.244.0.0/16 to the pods it plays).
export class IpPool {
  private readonly used = new Set<string>();
  private next = 0;
  private readonly prefix: string;
  constructor(prefix = '10.246') {
    this.prefix = prefix;
  }

  /** Reserves `ip` (a pod found running after a restart keeps its address). */
  reserve(ip: string): void {
    this.used.add(ip);
  }

  allocate(): string {
    for (let i = 0; i < 65_024; i++) {
      const n = (this.next + i) % 65_024;
      const ip = `${this.prefix}.${Math.floor(n / 254)}.${(n % 254) + 1}`;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        this.next = n + 1;
        return ip;
      }
    }
    throw new Error(`no free pod IP left in ${this.prefix}.0.0/16`);
  }

  release(ip: string | undefined): void {
    if (ip) this.used.delete(ip);
  }
}
