/** Open connections, in total and per source address, against their caps. */
export class ConnectionCounter {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerIp: number,
  ) {}

  /** Counts a connection from `ip` if both caps allow it; says which cap refused otherwise. */
  reserve(ip: string): 'ok' | 'server-full' | 'ip-full' {
    const room = this.room(ip);
    if (room !== 'ok') return room;
    this.total += 1;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    return 'ok';
  }

  /** Whether a connection from `ip` would be admitted now, counting nothing. */
  room(ip: string): 'ok' | 'server-full' | 'ip-full' {
    if (this.total >= this.maxTotal) return 'server-full';
    return (this.perIp.get(ip) ?? 0) >= this.maxPerIp ? 'ip-full' : 'ok';
  }

  release(ip: string): void {
    const fromIp = this.perIp.get(ip);
    if (fromIp === undefined) return;
    this.total -= 1;
    if (fromIp <= 1) this.perIp.delete(ip);
    else this.perIp.set(ip, fromIp - 1);
  }

  get open(): number {
    return this.total;
  }
}
