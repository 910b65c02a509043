import { TrustProxyConfig } from '@duet/server/config';
import type { IncomingMessage } from 'node:http';
import proxyAddr = require('proxy-addr');

/**
 * The client's address as far as the server can know it. Behind a reverse proxy every TCP peer is
 * the proxy; with `TRUST_PROXY` the address comes from `X-Forwarded-For`, believing only the hops
 * the operator trusts (Express's `trust proxy` rules, via `proxy-addr`). With it off the header is
 * ignored, so a client can never choose its own address.
 */
export class ClientAddress {
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(config: TrustProxyConfig) {
    this.trust =
      config.mode === 'off'
        ? () => false
        : config.mode === 'hops'
          ? (_address, hop) => hop < config.hops
          : proxyAddr.compile([...config.addresses]);
  }

  of(request: IncomingMessage): string {
    return proxyAddr(request, this.trust) || 'unknown';
  }

  /** Whether `address` is a proxy whose forwarded addresses are believed (it speaks for many clients). */
  isTrustedProxy(address: string | undefined): boolean {
    return address !== undefined && this.trust(address, 0);
  }
}
