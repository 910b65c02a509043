import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { Agent, AgentOptions } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { privateAddress, PushEndpointPolicy } from './endpoint-policy';
import { isSpecialAddress } from './special-addresses';

/**
 * The https agent every push goes through: each connection is checked against the endpoint
 * policy by the address it really connects to, so a name that resolved to a public address at
 * subscribe time and to an internal one now (DNS rebinding, a changed record) is refused here.
 * Names go through a `lookup` that refuses special addresses; IP literals, which Node connects
 * to without a lookup, are checked before connecting. Hosts listed literally are exempt.
 */
export class GuardedPushAgent extends Agent {
  constructor(
    private readonly policy: PushEndpointPolicy,
    options: AgentOptions = {},
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = (options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
    const port = Number(options.port ?? 443);
    if (this.policy.listedLiterally(host, port)) return super.createConnection(options, callback);
    if (isIP(host) !== 0) {
      if (isSpecialAddress(host)) {
        callback?.(privateAddress(host), undefined as unknown as Duplex);
        return undefined;
      }
      return super.createConnection(options, callback);
    }
    return super.createConnection({ ...options, lookup: publicOnlyLookup } as ClientRequestArgs, callback);
  }
}

/** `dns.lookup`, failing when the name has any special address (loopback, private...). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    if (addresses.length === 0 || addresses.some(({ address }) => isSpecialAddress(address))) {
      return callback(privateAddress(hostname), '', 0);
    }
    if (options.all) return (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};
