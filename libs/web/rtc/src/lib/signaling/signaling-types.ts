import { IceServer, IceTransportPolicy, LoginSuccessMessage, ServerMessage } from '@duet/shared/protocol';

/**
 * `closed`: no socket and none wanted (before logging in, after logging out, or after the server
 * closed a socket nobody logged in on). `refused`: the server will not take us (401/403); stopped
 * until the user acts. `reconnecting`: lost, or could not open; a retry is scheduled or under way.
 */
export type ConnectionState = 'closed' | 'connecting' | 'open' | 'reconnecting' | 'refused';

/** `logging-in` from sending a name until the server answers; a refusal goes back to `logged-out`. */
export type LoginState = 'logged-out' | 'logging-in' | 'logged-in';

export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;

/** The call a resumed session is in, as the server says. */
export type ResumedCall = NonNullable<LoginSuccessMessage['call']>;

/** What an RTCPeerConnection is configured with: the operator's STUN/TURN servers and policy. */
export interface IceConfiguration {
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
}

/**
 * Who the server says we are, what it handed out at login, and whether the login resumed a session.
 * Its ICE servers are the login's; `SignalingClient.iceConfiguration` has the newest (renewed).
 */
export interface SignalingSession {
  username: string;
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
  /** This login took over the session of a dropped socket. */
  resumed: boolean;
  /** The call that session is in, when it resumed into one. */
  call: ResumedCall | null;
  /** How long the server holds this session after a drop (RecoveryPolicy follows it), when it says. */
  resumeWindowMs?: number;
  /** How long the server lets a call ring (a dialled call gives up a little later), when it says. */
  ringTimeoutMs?: number;
  /** The operator's cap on our video sender (kbit/s), when there is one. */
  maxVideoBitrateKbps?: number;
}

/** What an accepted login hands out, as a session. */
export function sessionOf(message: LoginSuccessMessage): SignalingSession {
  return {
    username: message.username,
    iceServers: message.iceServers,
    iceTransportPolicy: message.iceTransportPolicy ?? 'all',
    resumed: message.resumed ?? false,
    call: message.call ?? null,
    // The timings this server hands out, when it does (an older one does not).
    ...(message.resumeWindowMs !== undefined && { resumeWindowMs: message.resumeWindowMs }),
    ...(message.ringTimeoutMs !== undefined && { ringTimeoutMs: message.ringTimeoutMs }),
    ...(message.maxVideoBitrateKbps !== undefined && { maxVideoBitrateKbps: message.maxVideoBitrateKbps }),
  };
}
