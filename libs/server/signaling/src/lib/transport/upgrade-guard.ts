import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { SignalingMetrics } from '../signaling-metrics';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { ClientAddress } from './client-address';
import { ConnectionCounter } from './connection-counter';
import { OriginPolicy } from './origin-policy';
import { quoteForLog, ThrottledWarning } from './throttled-warning';

export type UpgradeVerdict = { readonly accepted: true } | { readonly accepted: false; readonly status: number; readonly message: string };

/**
 * Everything decided at the HTTP upgrade, before a socket exists: shutting down (503), origin
 * (403), connection caps (503 / 429), authentication (401). The identity it establishes is kept
 * for the gateway, keyed by the request.
 */
@Injectable()
export class UpgradeGuard {
  private readonly logger = new Logger(UpgradeGuard.name);
  private readonly origins: OriginPolicy;
  private readonly connections: ConnectionCounter;
  private readonly clientAddress: ClientAddress;
  private readonly identities = new WeakMap<IncomingMessage, Identity>();
  private readonly refusedOrigin = new ThrottledWarning((line) => this.logger.warn(line));
  private accepting = true;

  constructor(
    private readonly authenticator: ConnectionAuthenticator,
    private readonly metrics: SignalingMetrics,
    @Inject(SIGNALING_OPTIONS) options: SignalingOptions,
  ) {
    this.origins = new OriginPolicy(options.publicOrigin, options.allowedOrigins);
    this.connections = new ConnectionCounter(options.limits.maxConnections, options.limits.maxConnectionsPerIp);
    this.clientAddress = new ClientAddress(options.trustProxy);
  }

  async verify(request: IncomingMessage): Promise<UpgradeVerdict> {
    const verdict = await this.decide(request);
    if (!verdict.accepted) this.metrics.upgradeRefused(verdict.status);
    return verdict;
  }

  /** One listener for every connection (`this` is its TCP socket): no closure per connection. */
  private readonly releaseOnClose = ((guard: UpgradeGuard) =>
    function (this: Socket): void {
      const ip = (this as Counted)[COUNTED_AS];
      if (ip !== undefined) guard.connections.release(ip);
    })(this);

  private async decide(request: IncomingMessage): Promise<UpgradeVerdict> {
    if (!this.accepting) return refuse(503, 'server shutting down');
    if (!this.origins.allows(request.headers.origin)) {
      this.refusedOrigin.report(
        `refused an upgrade from origin ${quoteForLog(request.headers.origin)}; allow it with PUBLIC_URL or ALLOWED_ORIGINS`,
      );
      return refuse(403, 'origin not allowed');
    }
    const ip = this.clientAddress.of(request);
    const reserved = this.connections.reserve(ip);
    if (reserved !== 'ok') {
      return reserved === 'server-full' ? refuse(503, 'server full') : refuse(429, 'too many connections from your address');
    }
    // The count follows the TCP connection, so it is released however the upgrade or socket ends.
    (request.socket as Counted)[COUNTED_AS] = ip;
    // 'close' comes once per TCP socket: `on` spares the wrapper `once` makes per connection.
    request.socket.on('close', this.releaseOnClose);
    let identity: Identity | undefined;
    try {
      identity = await this.authenticator.authenticate(request);
    } catch (error) {
      this.logger.error(`authenticator failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (identity === undefined) return refuse(401, 'authentication required');
    this.identities.set(request, identity);
    return { accepted: true };
  }

  /**
   * What `verify` would decide for an upgrade with this request's address and credentials, taking
   * nothing: browsers never see an upgrade's HTTP status, so after a failed connect the web app
   * asks here whether to sign in again (401), give up (403), wait (429/503), or retry (an outage).
   */
  async admission(request: IncomingMessage, origin: string | undefined = request.headers.origin): Promise<UpgradeVerdict> {
    if (!this.accepting) return refuse(503, 'server shutting down');
    if (!this.origins.allows(origin)) return refuse(403, 'origin not allowed');
    const room = this.connections.room(this.clientAddress.of(request));
    if (room !== 'ok') return room === 'server-full' ? refuse(503, 'server full') : refuse(429, 'too many connections from your address');
    const identity = await this.authenticator.authenticate(request).catch(() => undefined);
    return identity === undefined ? refuse(401, 'authentication required') : { accepted: true };
  }

  /** The address this upgrade was counted under by the per-address cap ('' if it never was). */
  addressOf(request: IncomingMessage | undefined): string {
    return (request?.socket as Counted | undefined)?.[COUNTED_AS] ?? '';
  }

  /** The identity `verify` established for this upgrade; undefined if it never passed `verify`. */
  identityOf(request: IncomingMessage | undefined): Identity | undefined {
    return request && this.identities.get(request);
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  get openConnections(): number {
    return this.connections.open;
  }
}

function refuse(status: number, message: string): UpgradeVerdict {
  return { accepted: false, status, message };
}

const COUNTED_AS = Symbol('counted as');
type Counted = Socket & { [COUNTED_AS]?: string };
