import { LimitsConfig } from '@duet/server/config';
import { IceServer, IceTransportPolicy } from '@duet/shared/protocol';

export interface SignalingOptions {
  /** Handed to each user at login. */
  readonly iceServers: readonly IceServer[];
  /** Handed to each user at login when it is `relay`; `all` (the browsers' default) when absent. */
  readonly iceTransportPolicy?: IceTransportPolicy;
  /** See `PresenceService`. */
  readonly presenceLimit: number;
  /** See `OriginPolicy`. */
  readonly publicOrigin: string | undefined;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly limits: LimitsConfig;
}

export const SIGNALING_OPTIONS = Symbol('SIGNALING_OPTIONS');

/** The WebSocket endpoint, on the HTTP server's own port. */
export const SIGNALING_PATH = '/ws';
