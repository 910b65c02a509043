import { randomInt } from 'node:crypto';
import { WebSocket } from 'ws';
import { admitsWrite } from './backlog';

/** How often the heartbeat wakes; each time it pings the sockets of one slot of the interval. */
const SLOT_MS = 250;
const SLOT = Symbol('heartbeat slot');
const AWAITED = Symbol('heartbeat awaited payload');

/** A watched socket carries its slot and the payload its next pong must echo (0: none awaited). */
type Watched = WebSocket & { [SLOT]: number; [AWAITED]: number };

/**
 * The `ws` README's heartbeat, spread out and shared: the interval is cut into slots of 250 ms,
 * each socket gets a random one, and one timer visits one slot per tick, so pings (and the burst
 * of pongs) never go to every socket at once, and a socket costs no timer or closure of its own.
 * A socket that has not answered the previous ping is gone (half-open TCP, sleeping laptop) and is
 * terminated, which ends its call. Detection takes at most two intervals.
 *
 * Only the pong that echoes the last ping's random payload counts as an answer (RFC 6455 makes
 * peers echo it): unsolicited pongs, which any client can send without reading a byte, prove
 * nothing. The timer runs only while some socket is watched.
 */
export class Heartbeat {
  private readonly slots: Set<Watched>[];
  private watched = 0;
  private nextSlot = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly forget: (this: WebSocket) => void;

  constructor(private readonly intervalMs: number) {
    const slotCount = Math.max(1, Math.round(intervalMs / SLOT_MS));
    this.slots = Array.from({ length: slotCount }, () => new Set<Watched>());
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- listeners get the socket as `this`
    const heartbeat = this;
    this.forget = function (this: WebSocket) {
      heartbeat.unwatch(this as Watched);
    };
  }

  watch(socket: WebSocket): void {
    const watched = socket as Watched;
    // Where in the interval does not need to be unpredictable, only spread out.
    watched[SLOT] = Math.floor(Math.random() * this.slots.length);
    watched[AWAITED] = 0;
    this.slots[watched[SLOT]].add(watched);
    watched.on('pong', echoed);
    // `on`, not `once`: 'close' comes once, and `once` would wrap the listener anew for each socket.
    watched.on('close', this.forget);
    this.watched += 1;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.visitNextSlot(), this.intervalMs / this.slots.length);
      this.timer.unref();
    }
  }

  private unwatch(socket: Watched): void {
    if (!this.slots[socket[SLOT]].delete(socket)) return;
    this.watched -= 1;
    if (this.watched === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private visitNextSlot(): void {
    const slot = this.slots[this.nextSlot];
    this.nextSlot = (this.nextSlot + 1) % this.slots.length;
    for (const socket of slot) {
      if (socket[AWAITED] !== 0 || !admitsWrite(socket)) {
        socket.terminate();
        continue;
      }
      // 30 bits: a small integer for V8 (no allocation per socket), and unguessable enough.
      socket[AWAITED] = randomInt(1, 2 ** 30);
      const payload = Buffer.allocUnsafe(4);
      payload.writeUInt32BE(socket[AWAITED]);
      socket.ping(payload);
    }
  }
}

/** A pong listener shared by every socket: it counts only an echo of the awaited payload. */
function echoed(this: WebSocket, data: Buffer): void {
  const socket = this as Watched;
  if (socket[AWAITED] !== 0 && data.length === 4 && data.readUInt32BE(0) === socket[AWAITED]) socket[AWAITED] = 0;
}
