import { IceServer, IceServerSchema } from '@duet/shared/protocol';
import { z } from 'zod';

/** Everything an operator can set, already validated and typed. */
export interface DuetConfig {
  /** TCP port for HTTP and the `/ws` WebSocket. */
  readonly port: number;
  /** Interface to listen on; all interfaces when absent. */
  readonly host: string | undefined;
  /** Directory of the built web app; absent means "next to the server bundle". */
  readonly webRoot: string | undefined;
  /** Handed to browsers at login; empty means host candidates only (LAN, loopback). */
  readonly iceServers: readonly IceServer[];
  /** Largest inbound WebSocket frame; bigger ones close the socket with 1009. */
  readonly maxPayloadBytes: number;
  /** Most names in the `users` list, and the online count up to which presence is pushed. */
  readonly presenceLimit: number;
}

/** Thrown with a message that names the offending variable, so an operator can fix it at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

const iceServers = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of RTCIceServer objects' });
      return z.NEVER;
    }
  })
  .pipe(z.array(IceServerSchema).max(16))
  .optional()
  .transform((value) => value ?? []);

const nonEmpty = z.string().trim().min(1).optional();

/** Variable name -> rule; the default is the value used when the variable is unset. */
const EnvSchema = z.object({
  PORT: integer(0, 65_535, 3000),
  HOST: nonEmpty,
  WEB_ROOT: nonEmpty,
  ICE_SERVERS: iceServers,
  // 64 KiB: a video SDP is a few kB. ws's own default (100 MiB) would let one client pin memory.
  WS_MAX_PAYLOAD: integer(1_024, 1_048_576, 65_536),
  PRESENCE_LIMIT: integer(0, 1_000, 100),
});

/** Reads the environment once at boot. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DuetConfig {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0]);
    throw new ConfigError(`Invalid ${variable}=${JSON.stringify(env[variable])}: ${issue.message}`);
  }
  const vars = parsed.data;
  return {
    port: vars.PORT,
    host: vars.HOST,
    webRoot: vars.WEB_ROOT,
    iceServers: vars.ICE_SERVERS,
    maxPayloadBytes: vars.WS_MAX_PAYLOAD,
    presenceLimit: vars.PRESENCE_LIMIT,
  };
}
