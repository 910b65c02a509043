/** What a run measures and how hard; `--smoke` is the few-second correctness check `npm test` runs. */
import { resolve } from 'node:path';

/**
 * The phases of a round, in the order they run; `shapes` (load shapes, shapes-round.ts) and
 * `cluster` run after each round with servers of their own; `browser` (Chromium timings,
 * browser-phase.ts) once after all rounds.
 */
export const PHASES = ['idle', 'calls', 'throughput', 'latency', 'shapes', 'cluster', 'browser'] as const;
export type Phase = (typeof PHASES)[number];
/** What a round measures: every phase but `browser`. */
export const roundPhases = (phases: readonly Phase[]): Phase[] => phases.filter((phase) => phase !== 'browser');
/** The browser phase runs with the rounds, or alone when it is all `--phases` asked for (`--rounds 0 --profile` stays profiles only). */
export const measuresBrowser = (o: Pick<BenchOptions, 'phases' | 'rounds'>): boolean =>
  o.phases.includes('browser') && (o.rounds > 0 || roundPhases(o.phases).length === 0);

/** A load shape: pairs streaming at once, candidates in flight per socket, candidate object size in bytes. */
export interface Shape {
  readonly pairs: number;
  readonly window: number;
  readonly payload: number;
}

export const shapeName = (s: Shape): string => `${s.pairs}x${s.window}x${s.payload}`;
/** For tables: `50 × 8, 200 B`. */
export const shapeTitle = (s: Shape): string => `${s.pairs.toLocaleString('en-US')} pairs × ${s.window} in flight, ${s.payload.toLocaleString('en-US')} B candidates`;

/**
 * The largest candidate object the load generator builds (messages.ts `MAX_PAYLOAD`): Duet refuses
 * a longer candidate string or ufrag, so a 2 KiB candidate cannot be relayed at all.
 */
export const LARGEST_VALID_PAYLOAD = 1_300;

/**
 * 50 × 8 is the external harness's shape; 1,000 × 1 many quiet calls; 200 × 4 between. Each with
 * small (Chrome-size) and large (the largest Duet accepts) candidate objects.
 */
export const DEFAULT_SHAPES: readonly Shape[] = [
  { pairs: 50, window: 8, payload: 200 },
  { pairs: 50, window: 8, payload: LARGEST_VALID_PAYLOAD },
  { pairs: 1_000, window: 1, payload: 200 },
  { pairs: 1_000, window: 1, payload: LARGEST_VALID_PAYLOAD },
  { pairs: 200, window: 4, payload: 200 },
  { pairs: 200, window: 4, payload: LARGEST_VALID_PAYLOAD },
];

/**
 * Duet's per-connection rate limit (100 msg/s, burst 200) would stop a closed loop at 1,700 msg/s
 * per socket long before the server is busy; the load shapes raise it (inside the ranges the config
 * allows) so the limiter stays in the path, and change nothing else.
 */
export const SHAPES_DUET_ENV: Readonly<Record<string, string>> = { RATE_LIMIT_PER_SECOND: '10000', RATE_LIMIT_BURST: '20000' };

/** `50x8x200` -> a shape; anything else is refused with what it should look like. */
export function parseShape(text: string): Shape {
  const match = text.trim().match(/^(\d+)x(\d+)x(\d+)$/);
  const [pairs, window, payload] = (match ?? []).slice(1).map(Number);
  if (!match || pairs < 1 || pairs > 5_000 || window < 1 || window > 64 || payload > LARGEST_VALID_PAYLOAD) {
    throw new Error(
      `a load shape is PAIRSxWINDOWxPAYLOAD, e.g. 50x8x200: 1–5000 pairs, window 1–64, payload 0–${LARGEST_VALID_PAYLOAD} bytes (0: unpadded), not "${text}"`,
    );
  }
  return { pairs, window, payload };
}

export function parseShapes(list: string | undefined): Shape[] {
  const names = (list ?? '').split(',').filter((name) => name.trim() !== '');
  if (names.length === 0) throw new Error(`--shapes takes a comma-separated list like 50x8x200,1000x1x${LARGEST_VALID_PAYLOAD}\n${USAGE}`);
  return names.map(parseShape);
}

export interface BenchOptions {
  readonly smoke: boolean;
  readonly rounds: number;
  /** Idle capacity: logged-in sockets held open at once, and how long to let the server settle before reading RSS. */
  readonly idleConnections: number;
  readonly connectConcurrency: number;
  readonly idleSettleMs: number;
  /** Relay throughput: pairs in a call, candidates in flight per socket, per-socket rate cap (msg/s). */
  readonly pairs: number;
  readonly window: number;
  readonly perSocketRate: number;
  readonly throughputSlices: number;
  readonly throughputWarmupMs: number;
  readonly throughputSliceMs: number;
  /** Relay latency: open loop over this many of the pairs at this total rate. */
  readonly latencyPairs: number;
  readonly latencyRate: number;
  readonly latencySlices: number;
  readonly latencyWarmupMs: number;
  readonly latencySliceMs: number;
  /** Call setup: concurrent call loops, candidates per call (half each way). */
  readonly callConcurrency: number;
  readonly callCandidates: number;
  readonly callSlices: number;
  readonly callWarmupMs: number;
  readonly callSliceMs: number;
  /** Load shapes (`shapes` phase): closed loop without a per-socket cap, against Duet with raised rate limits. */
  readonly shapes: readonly Shape[];
  readonly shapeSlices: number;
  readonly shapeWarmupMs: number;
  readonly shapeSliceMs: number;
  readonly shapeLatencySlices: number;
  /** Profile under this shape instead of the default throughput load (`--profile-shape`). */
  readonly profileShape: Shape | undefined;
  /** Cluster latency below saturation: these fixed rates, instance B on the load generator's core. */
  readonly clusterRates: readonly number[];
  /** What to measure (default: all); `cluster` is two Duet instances and Redis, pairs within one against split pairs. */
  readonly phases: readonly Phase[];
  readonly clusterThroughputSlices: number;
  readonly clusterLatencySlices: number;
  /** Most sockets per source address (the server's per-IP cap is 256). */
  readonly perAddress: number;
  readonly loadgenProcesses: number;
  readonly pin: boolean;
  readonly out: string;
  /** Also profile both servers under the throughput load (`--cpu-prof`). */
  readonly profile: boolean;
  /** Also record per-second latency on each server for longer than Duet's heartbeat interval. */
  readonly latencyTimeline: boolean;
  /** Rewrite the results section of docs/benchmarks.md. */
  readonly updateDocs: boolean;
  /** Variables for Duet beyond PORT and HOST: a diagnostic, flagged as non-default in the output. */
  readonly duetEnv: Readonly<Record<string, string>>;
  /** Another Duet build to measure as `duet` (absolute path); undefined: this checkout's production build. */
  readonly duetMain: string | undefined;
}

/**
 * Within a round all three servers are up and the load moves between them in slices, the order
 * rotating from slice to slice, so a burst of load from someone else's job lands on all alike; a
 * slice's warm-up is not measured.
 */
export const FULL: Omit<BenchOptions, 'pin' | 'out'> = {
  smoke: false,
  rounds: 3,
  idleConnections: 10_000,
  connectConcurrency: 200,
  idleSettleMs: 3_000,
  pairs: 1_000,
  window: 4,
  perSocketRate: 80,
  throughputSlices: 4,
  throughputWarmupMs: 1_000,
  throughputSliceMs: 2_500,
  latencyPairs: 100,
  latencyRate: 5_000,
  latencySlices: 6,
  latencyWarmupMs: 250,
  latencySliceMs: 1_000,
  callConcurrency: 32,
  callCandidates: 10,
  callSlices: 2,
  callWarmupMs: 500,
  callSliceMs: 2_500,
  // One slice per server and round (three over a full run) keeps the six shapes near 2 min a round.
  shapes: DEFAULT_SHAPES,
  shapeSlices: 1,
  shapeWarmupMs: 500,
  shapeSliceMs: 2_000,
  shapeLatencySlices: 2,
  profileShape: undefined,
  clusterRates: [1_000, 5_000],
  phases: PHASES,
  clusterThroughputSlices: 2,
  clusterLatencySlices: 4,
  perAddress: 200,
  loadgenProcesses: 1,
  profile: false,
  latencyTimeline: false,
  updateDocs: false,
  duetEnv: {},
  duetMain: undefined,
};

export const SMOKE: Omit<BenchOptions, 'pin' | 'out'> = {
  ...FULL,
  smoke: true,
  rounds: 1,
  idleConnections: 300,
  connectConcurrency: 50,
  idleSettleMs: 200,
  pairs: 40,
  throughputSlices: 1,
  throughputWarmupMs: 300,
  throughputSliceMs: 700,
  latencyPairs: 20,
  latencyRate: 500,
  latencySlices: 1,
  latencyWarmupMs: 200,
  latencySliceMs: 600,
  callConcurrency: 4,
  callSlices: 1,
  callWarmupMs: 200,
  callSliceMs: 600,
  // Both payload sizes (the large one needs the longer frame header), every frame compared.
  shapes: [
    { pairs: 10, window: 4, payload: 200 },
    { pairs: 10, window: 2, payload: LARGEST_VALID_PAYLOAD },
  ],
  shapeSlices: 1,
  shapeWarmupMs: 200,
  shapeSliceMs: 400,
  shapeLatencySlices: 1,
  clusterRates: [500],
  clusterThroughputSlices: 1,
  clusterLatencySlices: 1,
  // Small blocks: a few hundred sockets still spread over several source addresses.
  perAddress: 50,
  // npm test's check of the benchmark itself: browser timings are no check (and need a web build).
  phases: roundPhases(PHASES),
};

const USAGE = `usage: node dist/tools/bench/main.js [options]   (or: npm run bench -- [options])
  --smoke               a few seconds, small N, full verification; exit 1 on any error
  --rounds N            interleaved rounds (default 3; 0 with --profile: profiles only)
  --idle N              idle logged-in connections (default 10000)
  --pairs N             pairs streaming candidates (default 1000)
  --window W            candidates in flight per socket (default 4)
  --rate R              per-socket send cap, msg/s (default 80; the server limits at 100)
  --latency-rate R      fixed offered rate for the latency runs, msg/s (default 5000; shapes too)
  --shapes LIST         load shapes PAIRSxWINDOWxPAYLOAD, e.g. 50x8x200,1000x1x1300 (default: 50x8, 1000x1,
                        200x4, each with 200 and 1300 B candidates); implies the shapes phase
                        unless --phases is given
  --profile-shape S     with --profile: profile under load shape S (e.g. 50x8x200), Duet's rate limit raised
  --procs K             load-generator processes (default 1)
  --no-pin              do not pin with taskset
  --phases LIST         comma-separated subset of ${PHASES.join(',')} (default: all; browser:
                        Chromium's click-Call-to-frame and relay-only vs host-only connect times)
  --no-cluster          skip the cluster phase (two instances on Redis: pairs within one vs split)
  --profile             also profile each server under the throughput load
  --timeline            also: per-second latency for 40 s with the idle sockets held (spans a heartbeat)
  --docs                rewrite the results section of docs/benchmarks.md
  --duet-env K=V        diagnostic: start Duet with this variable too (the run is marked non-default)
  --duet-main FILE      measure this build of the server as duet (default dist/apps/server/main.js)
  --out FILE            JSON output (default tools/bench/results/latest.json; smoke: a temp file)`;

/** `--x=1` -> `--x 1`, `--x=true` -> `--x`, `--x=false` -> `--no-x` (the forms `nx run` forwards). */
function normalize(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => {
    const match = arg.match(/^(--[^=]+)=(.*)$/);
    if (!match) return [arg];
    if (match[2] === 'true') return [match[1]];
    if (match[2] === 'false') return [`--no-${match[1].slice(2)}`];
    return [match[1], match[2]];
  });
}

export function parseArgs(raw: readonly string[], pinAvailable: boolean, defaultOut: (smoke: boolean) => string): BenchOptions {
  const argv = normalize(raw);
  const smoke = argv.includes('--smoke');
  const base = smoke ? SMOKE : FULL;
  const options: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { ...base, pin: pinAvailable, out: '' };
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (value === undefined || !Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag} needs a positive number\n${USAGE}`);
    return parsed;
  };
  let shapesGiven = false;
  let phasesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--smoke':
        break;
      case '--rounds':
        // 0 with --profile: only the profiles.
        options.rounds = argv[i + 1] === '0' ? (i++, 0) : number(flag, argv[++i]);
        break;
      case '--idle':
        options.idleConnections = number(flag, argv[++i]);
        break;
      case '--pairs':
        options.pairs = number(flag, argv[++i]);
        options.latencyPairs = Math.min(options.latencyPairs, options.pairs);
        break;
      case '--window':
        options.window = number(flag, argv[++i]);
        break;
      case '--shapes':
        options.shapes = parseShapes(argv[++i]);
        shapesGiven = true;
        break;
      case '--profile-shape':
        options.profileShape = parseShape(argv[++i] ?? '');
        options.profile = true;
        break;
      case '--rate':
        options.perSocketRate = number(flag, argv[++i]);
        break;
      case '--latency-rate':
        options.latencyRate = number(flag, argv[++i]);
        break;
      case '--procs':
        options.loadgenProcesses = number(flag, argv[++i]);
        break;
      case '--no-pin':
        options.pin = false;
        break;
      case '--phases':
        options.phases = parsePhases(argv[++i]);
        phasesGiven = true;
        break;
      case '--no-cluster':
        options.phases = options.phases.filter((phase) => phase !== 'cluster');
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--timeline':
        options.latencyTimeline = true;
        break;
      case '--docs':
        options.updateDocs = true;
        break;
      case '--duet-env': {
        const [name, ...value] = (argv[++i] ?? '').split('=');
        if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || value.length === 0) throw new Error(`--duet-env needs NAME=value\n${USAGE}`);
        options.duetEnv = { ...options.duetEnv, [name]: value.join('=') };
        break;
      }
      case '--duet-main':
        if (!argv[i + 1]) throw new Error(`--duet-main needs a file\n${USAGE}`);
        options.duetMain = resolve(argv[++i]);
        break;
      case '--out':
        options.out = argv[++i] ?? '';
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  // `--shapes 50x8x200` alone asks for that shape, not for a whole run with it.
  if (shapesGiven && !phasesGiven) options.phases = ['shapes'];
  if (options.updateDocs && shapesGiven) throw new Error('--docs shows the default load shapes: drop --shapes');
  if (options.updateDocs && Object.keys(options.duetEnv).length > 0) throw new Error('--docs shows the default config only: drop --duet-env');
  if (options.updateDocs && options.duetMain !== undefined) throw new Error("--docs shows this checkout's build only: drop --duet-main");
  if (options.updateDocs && options.rounds > 0 && roundPhases(PHASES).some((p) => p !== 'cluster' && !options.phases.includes(p))) {
    throw new Error('--docs needs every phase of a round measured: drop --phases (--no-cluster is fine)');
  }
  if (options.rounds === 0 && !options.profile && !options.latencyTimeline && !measuresBrowser(options)) {
    throw new Error(`--rounds 0 only makes sense with --profile, --timeline or --phases browser\n${USAGE}`);
  }
  if (!options.out) options.out = defaultOut(smoke);
  return options;
}

/** `throughput,latency` -> the phases in run order; unknown or no names are refused. */
function parsePhases(list: string | undefined): Phase[] {
  const names = (list ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--phases takes a list of ${PHASES.join(', ')}\n${USAGE}`);
  return PHASES.filter((phase) => names.includes(phase));
}
