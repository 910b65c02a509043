import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { ClientAddress } from '@duet/server/signaling';
import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The origin links are made for: `PUBLIC_URL`'s, else the one the request came to (its `Host`, and
 * https when it came over TLS, or through a trusted proxy that says so in `X-Forwarded-Proto`).
 */
@Injectable()
export class RequestOrigin {
  private readonly proxies: ClientAddress;

  constructor(@Inject(DUET_CONFIG) private readonly config: DuetConfig) {
    this.proxies = new ClientAddress(config.trustProxy);
  }

  of(request: IncomingMessage): string {
    if (this.config.publicOrigin !== undefined) return new URL(this.config.publicOrigin).origin;
    const forwarded = this.proxies.isTrustedProxy(request.socket.remoteAddress) ? request.headers['x-forwarded-proto'] : undefined;
    const scheme = (request.socket as TLSSocket).encrypted || forwarded === 'https' ? 'https' : 'http';
    try {
      return new URL(`${scheme}://${request.headers.host ?? 'localhost'}`).origin;
    } catch {
      return `${scheme}://localhost`;
    }
  }
}
