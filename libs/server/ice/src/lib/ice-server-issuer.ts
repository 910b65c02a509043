import { IceConfig } from '@duet/server/config';
import { IceServer } from '@duet/shared/protocol';
import { turnRestCredential } from './turn-rest-credential';

/** What one user's browser gets: servers, policy, and when to ask again (credentials expire). */
export interface IssuedIce {
  readonly iceServers: IceServer[];
  readonly iceTransportPolicy: 'all' | 'relay';
  /** Issue again after this long, so a long call never holds an expired credential. */
  readonly renewAfterMs: number | undefined;
}

/**
 * The DI token for ICE servers. The default serves `ICE_SERVERS` and, with `TURN_SECRET`, TURN
 * credentials of its own making; an enterprise with its own TURN service replaces it.
 */
export abstract class IceServerIssuer {
  abstract issue(username: string): IssuedIce;
}

/** Renewal at 80 % of a credential's life leaves a long call time to use the new one. */
const RENEW_AT = 0.8;

export class ConfiguredIceServerIssuer extends IceServerIssuer {
  constructor(
    private readonly config: IceConfig,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  issue(username: string): IssuedIce {
    const servers = this.config.servers.map((server) => ({ ...server }));
    const { turn, transportPolicy } = this.config;
    if (turn === undefined) return { iceServers: servers, iceTransportPolicy: transportPolicy, renewAfterMs: undefined };
    const expiresAt = Math.floor(this.now() / 1_000) + turn.ttlSeconds;
    const credential = turnRestCredential(turn.secret, username, expiresAt);
    return {
      iceServers: [...servers, { urls: [...turn.urls], ...credential }],
      iceTransportPolicy: transportPolicy,
      renewAfterMs: Math.floor(turn.ttlSeconds * 1_000 * RENEW_AT),
    };
  }
}
