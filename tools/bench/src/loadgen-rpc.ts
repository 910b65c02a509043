/** What the orchestrator (main.ts) asks of each load-generator process, over the IPC channel. */

/**
 * A server under test: its WebSocket URL, or for a cluster two URLs: each pair's first socket
 * connects to `url`, its second to `peerUrl` (another instance: every message crosses instances).
 */
export type TargetAddress = string | { readonly url: string; readonly peerUrl: string };

export interface InitArgs {
  /** Server name -> address. Both servers are up during a round; one is loaded at a time. */
  readonly targets: Readonly<Record<string, TargetAddress>>;
  /** Source addresses this process may bind (disjoint between processes). */
  readonly addresses: readonly string[];
  /** Most live connections per source address (each server refuses more than 256 per IP). */
  readonly perAddress: number;
  /** `full`: every relayed frame is `JSON.parse`d and compared field by field (smoke mode). */
  readonly verify: 'full' | 'fast';
  /** Distinguishes this process's usernames from the others'. */
  readonly tag: string;
}

export interface Counters {
  /** `error` replies and failed logins: a run with any is flagged (and fails in smoke mode). */
  errors: number;
  errorSamples: string[];
  /** Candidates delivered to the wrong socket, twice, out of order, or mangled. */
  violations: number;
  violationSamples: string[];
  /** Candidates sent and never delivered (after the drain that ends a phase). */
  lost: number;
  /** Sockets that failed to connect or log in. */
  connectFailures: number;
  /** Call setups that failed or timed out. */
  failedCalls: number;
}

export interface Mark {
  /** ms since the epoch (performance.timeOrigin + now()). */
  at: number;
  delivered: number;
  callsCompleted: number;
  cpuMicros: number;
}

export interface IdleResult {
  connected: number;
  ms: number;
}

export interface LatencyResult {
  /** One-way latencies in microseconds, measured from the intended send time (no coordinated omission). */
  samples: number[];
  sent: number;
  /** The rate the schedule really achieved (it lags if the load generator cannot keep up). */
  achievedRate: number;
}

interface Targeted {
  readonly target: string;
}

export interface Commands {
  init: [InitArgs, void];
  /** Connects and logs in `count` sockets, `concurrency` handshakes at a time; they stay open. */
  idle: [Targeted & { count: number; concurrency: number }, IdleResult];
  /** Sets up `count` pairs in a call (login, offer, answer), `concurrency` pairs at a time. */
  pairs: [Targeted & { count: number; concurrency: number }, { ms: number }];
  /**
   * The first `pairs` pairs (default all) stream candidates both ways, closed loop: `window` in
   * flight per socket, `rate`/s cap each (0: no cap), candidate objects of ~`payload` bytes (0:
   * Chrome-like, unpadded).
   */
  streamStart: [Targeted & { window: number; rate: number; pairs?: number; payload?: number }, void];
  streamStop: [Targeted & { drainMs: number }, void];
  /** Open loop over the first `pairs` pairs at `rate` msg/s in all; records latencies after the warm-up. */
  latency: [Targeted & { pairs: number; rate: number; warmupMs: number; durationMs: number; drainMs: number; payload?: number }, LatencyResult];
  /** `concurrency` loops of: connect+login both, offer, answer, `candidates` (half each way), close, disconnect. */
  callsStart: [Targeted & { concurrency: number; candidates: number }, void];
  callsStop: [Targeted & { timeoutMs: number }, void];
  mark: [Record<string, never>, Mark];
  /** Drops the target's sockets (all of them, or only the idle ones) and waits until they are closed. */
  close: [Targeted & { idleOnly: boolean }, void];
  /** Returns and resets the target's counters. */
  counters: [Targeted, Counters];
}

export type CommandName = keyof Commands;

export interface Request<C extends CommandName = CommandName> {
  id: number;
  cmd: C;
  args: Commands[C][0];
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
