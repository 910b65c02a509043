/** Reads a V8 `.cpuprofile` and says where the busy time went: by function (self, total) and by layer. */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  pct: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, ms, and the share of it the server was busy (not idle). */
  windowMs: number;
  busyPct: number;
  /** Shares of busy time. */
  self: ProfileRow[];
  total: ProfileRow[];
  layers: ProfileRow[];
  /** Each sample charged to its nearest caller in library or application code (see `ownerOf`). */
  owners: ProfileRow[];
  /** Filled in by the benchmark from the same window. */
  messagesPerSecond?: number;
  cpuMicrosPerMessage?: number;
  /** What load the server was under (the default throughput load, or a load shape). */
  load?: string;
}

const IDLE = '(idle)';

/** `window` (µs, profile clock) keeps only the samples taken inside it. */
export function summarizeProfile(
  profile: CpuProfile,
  window: { startMicros?: number; endMicros?: number } = {},
  top = 25,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const layers = new Map<string, number>();
  const owners = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  let time = profile.startTime;
  const from = window.startMicros ?? Number.NEGATIVE_INFINITY;
  const to = window.endMicros ?? Number.POSITIVE_INFINITY;

  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    if (time < from || time > to) continue;
    const leaf = byId.get(profile.samples[i]);
    if (!leaf) continue;
    if (leaf.callFrame.functionName === IDLE) {
      idle++;
      continue;
    }
    busy++;
    bump(self, frameName(leaf.callFrame));
    bump(layers, layerOf(leaf.callFrame));
    const stack: CallFrame[] = [];
    for (let node: CpuProfileNode | undefined = leaf; node !== undefined; node = byId.get(parent.get(node.id) ?? -1)) {
      stack.push(node.callFrame);
    }
    bump(owners, ownerOf(stack));
    // Total time: each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let node: CpuProfileNode | undefined = leaf; node !== undefined; node = byId.get(parent.get(node.id) ?? -1)) {
      const name = frameName(node.callFrame);
      if (name !== '(root)' && !seen.has(name)) {
        seen.add(name);
        bump(total, name);
      }
    }
  }
  const rows = (counts: Map<string, number>, limit: number) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, count]) => ({ name, pct: round((100 * count) / Math.max(1, busy)) }));
  const samples = busy + idle;
  const sampledMs =
    samples === 0 ? 0 : ((Math.min(to, profile.endTime) - Math.max(from, profile.startTime)) / 1000);
  return {
    windowMs: round(sampledMs),
    busyPct: round((100 * busy) / Math.max(1, samples)),
    self: rows(self, top),
    total: rows(total, top),
    layers: rows(layers, 20),
    owners: rows(owners, 20),
  };
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `name (file:line)` with node_modules paths shortened to the package. */
export function frameName({ functionName, url, lineNumber }: CallFrame): string {
  const name = functionName || '(anonymous)';
  if (!url) return name;
  return `${name} (${shortUrl(url)}:${lineNumber + 1})`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const dist = path.indexOf('/dist/');
  return dist >= 0 ? path.slice(dist + 1) : path;
}

/** Which layer of the stack a function belongs to. */
export function layerOf({ functionName, url }: CallFrame): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/native (program)';
    if (functionName === 'parse' || functionName === 'stringify') return `JSON.${functionName} (native)`;
    // The system call that sends each frame; its share is the same per message for any Node relay.
    if (functionName === 'writev' || functionName.startsWith('write')) return 'socket writes (writev syscall)';
    return 'V8 builtins / native';
  }
  const path = url.replace(/^file:\/\//, '');
  const pkg = path.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (pkg) {
    if (pkg[1] === 'zod') return 'zod (validation)';
    if (pkg[1].startsWith('@nestjs/')) return 'Nest framework';
    if (pkg[1] === 'rxjs') return 'rxjs (Nest message pipeline)';
    if (pkg[1] === 'ws') return 'ws library';
    return pkg[1];
  }
  if (path.startsWith('node:')) return 'Node core (net, streams, timers)';
  if (path.includes('/dist/apps/server/')) return 'Duet code';
  if (path.includes('/dist/tools/bench/')) return 'raw relay code';
  return path;
}

/**
 * Who a sample's time is spent for: the leaf's nearest caller that is application or library code,
 * so `JSON.parse` counts under whoever parses and Node's stream plumbing under `ws` send or receive.
 * The write system call, GC and V8's own work are kept apart: they are what any relay pays.
 */
export function ownerOf(stack: readonly CallFrame[]): string {
  const leaf = stack[0];
  if (!leaf.url && leaf.functionName === 'writev') return 'writev system call';
  if (leaf.functionName === '(garbage collector)') return 'GC';
  if (leaf.functionName === '(program)') return 'V8/native (program)';
  for (const frame of stack) {
    const { functionName: fn, url } = frame;
    if (WRITE_PATH.has(`${url} ${fn}`)) return 'Node socket write path: streams, write wraps (not the syscall)';
    if (!url || url.startsWith('node:')) continue;
    if (url.includes('/node_modules/ws/lib/sender') || (url.includes('/node_modules/ws/lib/websocket') && fn === 'send')) {
      return 'ws send: framing';
    }
    if (url.includes('/node_modules/ws/')) return 'ws receive: frame parsing, UTF-8 check, events';
    if (url.includes('/node_modules/zod/')) return 'zod schema validation';
    if (url.includes('/node_modules/@nestjs/')) return 'Nest per-message handler wrapper (WsProxy, WsContextCreator)';
    if (url.includes('/node_modules/')) return url.replace(/^.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1');
    if (url.includes('/dist/tools/bench/raw-relay')) return 'relay handler: JSON.parse, Map, JSON.stringify';
    if (url.includes('/dist/apps/server/')) return duetOwner(fn);
    return shortUrl(url);
  }
  return 'Node core: event loop, microtask queue, socket reads';
}

/** Node's side of a socket write, whoever triggered it (ws's sender, or a cork/uncork around it). */
const WRITE_PATH = new Set([
  'node:net Socket._writev',
  'node:net Socket._writeGeneric',
  'node:net Socket._write',
  'node:internal/stream_base_commons writevGeneric',
  'node:internal/stream_base_commons writeGeneric',
  'node:internal/stream_base_commons createWriteWrap',
  'node:internal/streams/writable Writable.uncork',
  'node:internal/streams/writable clearBuffer',
]);

function duetOwner(fn: string): string {
  if (fn === 'parseClientFrame' || fn === 'fail') return 'Duet parseClientFrame: JSON.parse + type checks (zod apart)';
  if (fn === 'send') return 'Duet Session.send: JSON.stringify of the relayed message, backlog check';
  if (['find', 'inCallTogether', 'partnerInCall', 'callBetween', 'isParty', 'usernameKey'].includes(fn)) return 'Duet registry lookups';
  if (['candidate', 'requireLogin', 'dispatch', 'enqueue', 'start', 'Session.startNext', 'relayCandidate'].includes(fn)) {
    return 'Duet gateway dispatch, Session queue, SignalingService.candidate (async)';
  }
  if (fn === 'take') return 'Duet rate limit (TokenBucket.take)';
  return `Duet ${fn || '(anonymous)'} (adapter message handler and other)`;
}
