import { LimitsConfig, TrustProxyConfig } from '@duet/server/config';

export interface SignalingOptions {
  /** See `PresenceService`. */
  readonly presenceLimit: number;
  /** See `OriginPolicy`. */
  readonly publicOrigin: string | undefined;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly limits: LimitsConfig;
  /** Whose `X-Forwarded-For` gives the client's address (per-address limits, logs). */
  readonly trustProxy: TrustProxyConfig;
  /** Guests logged in at once on this instance (`MAX_GUESTS`); absent or 0: no guest may log in (accounts off). */
  readonly maxGuests?: number;
  /** Sent in every login reply (`MAX_VIDEO_BITRATE_KBPS`); absent: no cap. */
  readonly maxVideoBitrateKbps?: number;
}

export const SIGNALING_OPTIONS = Symbol('SIGNALING_OPTIONS');

/** The WebSocket endpoint, on the HTTP server's own port. */
export const SIGNALING_PATH = '/ws';
