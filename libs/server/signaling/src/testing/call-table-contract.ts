/// <reference types="jest" />
import { usernameKey } from '@duet/shared/protocol';
import { afterCall, CALL_TABLE, CallEvent, CallSituation, decideCall } from '../lib/call-table';
import { MessageSink } from '../lib/message-sink';
import { UserRegistryService } from '../lib/user-registry.service';
import type { RegistryUnderTest } from './registry-contract';

type Peer = CallSituation['peer'];
type Given = CallSituation['given'];
type Claim = CallSituation['claim'];
type CallState = Pick<CallSituation, 'call' | 'role' | 'actorHolds' | 'peerHolds'>;

/** The actor's calls the contract can arrange: none, and every part of a ringing or active call. */
const CALL_STATES: readonly CallState[] = [
  { call: 'none', role: 'none', actorHolds: false, peerHolds: false },
  // A ringing call: the callee holds the offer; in glare the caller holds one too.
  { call: 'ringing', role: 'caller', actorHolds: false, peerHolds: true },
  { call: 'ringing', role: 'caller', actorHolds: true, peerHolds: true },
  { call: 'ringing', role: 'callee', actorHolds: true, peerHolds: false },
  { call: 'ringing', role: 'callee', actorHolds: true, peerHolds: true },
  ...(['caller', 'callee'] as const).flatMap((role) =>
    [false, true].flatMap((actorHolds) => [false, true].map((peerHolds) => ({ call: 'active', role, actorHolds, peerHolds }) as const)),
  ),
];

const ALL_GIVEN: readonly Given[] = ['none', 'current', 'ended', 'live'];

/** Which situations each event is walked through (`CallSituation`), and how it is sent to a registry. */
const EVENTS: { readonly [E in CallEvent]: { peers: readonly Peer[]; given: readonly Given[]; claims?: readonly Claim[]; fire: Fire } } = {
  // An offer to oneself never reaches a registry (SignalingService refuses a self-call).
  offer: { peers: ['party', 'free', 'busy', 'offline'], given: ALL_GIVEN, fire: async (r, n) => (await r.offer(n.actor, n.peer as string, n.callId)).outcome },
  accept: { peers: ['party', 'self', 'free', 'busy', 'offline'], given: ALL_GIVEN, fire: async (r, n) => (await r.accept(n.actor, n.peer as string, n.callId)).outcome },
  partner: {
    peers: ['party', 'self', 'free', 'busy', 'offline'],
    given: ALL_GIVEN,
    fire: async (r, n) => (await r.partnerInCall(n.actor, n.peer as string, n.callId)).outcome,
  },
  hangUp: { peers: ['party', 'self', 'free', 'busy', 'offline', 'unnamed'], given: ALL_GIVEN, fire: async (r, n) => (await r.hangUp(n.actor, n.peer, n.callId)).outcome },
  decline: { peers: ['party', 'self', 'free', 'busy', 'offline'], given: ALL_GIVEN, fire: async (r, n) => (await r.decline(n.actor, n.peer as string, n.callId)).outcome },
  // The named call's caller or callee is the actor; a call that is gone has none.
  expire: { peers: ['party', 'unnamed'], given: ['current', 'ended'], fire: async (r, n) => ((await r.expire(n.callId as string)) ? 'expired' : 'not-ringing') },
  rejoin: {
    peers: ['party', 'self', 'free', 'busy', 'offline'],
    given: ['current', 'ended', 'live'],
    claims: ['nobody', 'actor', 'peer', 'other'],
    fire: async (r, n) => (await r.rejoin(n.actor, n.peer as string, n.callId as string)).outcome,
  },
  abandonClaim: {
    peers: ['unnamed'],
    given: ['current', 'ended', 'live'],
    claims: ['nobody', 'actor', 'other'],
    fire: async (r, n) => ((await r.abandonClaim(n.actor, n.callId as string)) ? 'abandoned' : 'not-waiting'),
  },
  leave: { peers: ['unnamed'], given: ['none'], fire: async (r, n) => ((await r.unregister(n.actor, n.sink)) ? 'ended' : 'left') },
};

/** Who plays which part in one situation, and the arguments the event is sent with. */
interface Cast {
  readonly actor: string;
  readonly sink: MessageSink;
  /** The name the event names (undefined: none). */
  readonly peer: string | undefined;
  /** The call id the event names. */
  readonly callId: string | undefined;
}

type Fire = (registry: UserRegistryService, cast: Cast) => Promise<string>;

/** Whether the contract can bring `situation` about through the registry's own methods. */
function possible(event: CallEvent, s: CallSituation): boolean {
  const inCall = s.call !== 'none';
  if (s.given === 'current' && !inCall) return false;
  if (s.peer === 'party' && !inCall) return false;
  if (event === 'expire' && s.peer !== (inCall ? 'party' : 'unnamed')) return false;
  // A claim names a call that is gone, and dies when its claimant starts a call or leaves.
  if (s.claim !== 'nobody' && s.given !== 'ended') return false;
  if (s.claim === 'actor' && (inCall || s.peer === 'self')) return false;
  if (s.claim === 'peer' && s.peer !== 'free') return false;
  return true;
}

/** Every situation each event is walked through. */
export function callTableCells(): { event: CallEvent; situation: CallSituation }[] {
  const cells: { event: CallEvent; situation: CallSituation }[] = [];
  for (const event of Object.keys(EVENTS) as CallEvent[]) {
    const { peers, given, claims = ['nobody'] } = EVENTS[event];
    for (const state of CALL_STATES) {
      for (const peer of peers) {
        for (const id of given) {
          for (const claim of claims) {
            const situation: CallSituation = { ...state, peer, given: id, claim };
            if (possible(event, situation)) cells.push({ event, situation });
          }
        }
      }
    }
  }
  return cells;
}

const newSink = (): MessageSink => ({ send: jest.fn(), relay: jest.fn(() => true) });

async function must(step: Promise<{ outcome: string }>, expected: string, what: string): Promise<void> {
  const { outcome } = await step;
  if (outcome !== expected) throw new Error(`arranging: ${what} gave ${outcome}, expected ${expected}`);
}

/**
 * Brings `s` about for fresh users named `<p>a` (the actor), `<p>b` (the named peer), `<p>q` (the
 * actor's partner when that is not the named peer), `<p>d` (the peer's partner when it is busy),
 * `<p>e` (another claimant), `<p>f`/`<p>h` (another live call); `<p>x` is never online.
 */
async function arrange(registry: UserRegistryService, p: string, s: CallSituation): Promise<Cast> {
  const [a, b, q, d, e, f, h] = ['a', 'b', 'q', 'd', 'e', 'f', 'h'].map((suffix) => p + suffix);
  const sink = newSink();
  await registry.register(a, sink);
  if (['party', 'free', 'busy'].includes(s.peer) || s.claim === 'peer') await registry.register(b, newSink());
  const ended = `${p}gone`;
  if (s.claim === 'actor') await must(registry.rejoin(a, b, ended), 'waiting', 'the actor claims');
  if (s.claim === 'peer') await must(registry.rejoin(b, a, ended), 'waiting', 'the peer claims');
  if (s.claim === 'other') {
    await registry.register(e, newSink());
    await must(registry.rejoin(e, a, ended), 'waiting', 'someone else claims');
  }
  if (s.peer === 'busy') {
    await registry.register(d, newSink());
    await must(registry.offer(b, d), 'ringing', 'the peer calls someone');
  }
  let live: string | undefined;
  if (s.given === 'live') {
    await registry.register(f, newSink());
    await registry.register(h, newSink());
    const result = await registry.offer(f, h);
    if (result.outcome !== 'ringing') throw new Error(`arranging: another call gave ${result.outcome}`);
    live = result.callId;
  }
  if (s.call !== 'none') await arrangeCall(registry, a, s.peer === 'party' ? b : q, s);
  const callId = { none: undefined, current: (await registry.callOf(a))?.callId, ended, live }[s.given];
  const peer = { party: b, self: a, free: b, busy: b, offline: `${p}x`, unnamed: undefined }[s.peer];
  return { actor: a, sink, peer, callId };
}

/** The actor `a` in a call with `partner`, in the part and with the offers `s` says. */
async function arrangeCall(registry: UserRegistryService, a: string, partner: string, s: CallSituation): Promise<void> {
  if ((await registry.find(partner)) === undefined) await registry.register(partner, newSink());
  const [caller, callee] = s.role === 'caller' ? [a, partner] : [partner, a];
  await must(registry.offer(caller, callee), 'ringing', 'the call starts');
  if (s.call === 'ringing') {
    // The callee holds the first offer; glare gives the caller one too.
    if (s.actorHolds && s.peerHolds) await must(registry.offer(callee, caller), 'in-call', 'glare');
    return;
  }
  await must(registry.accept(callee, caller), 'accepted', 'the call is answered');
  if (s.peerHolds) await must(registry.offer(a, partner), 'in-call', 'the actor offers');
  if (s.actorHolds) await must(registry.offer(partner, a), 'in-call', 'the partner offers');
}

/** The actor's call and claim as the registry holds them now. */
async function observe(underTest: RegistryUnderTest, cast: Cast, s: CallSituation): Promise<CallSituation> {
  const a = usernameKey(cast.actor);
  const call = await underTest.callRecord(cast.actor);
  const claimant = cast.callId === undefined ? undefined : await underTest.claimant(cast.callId);
  const callerKey = call && usernameKey(call.caller);
  const partnerKey = call && (callerKey === a ? usernameKey(call.callee) : callerKey);
  return {
    ...s,
    call: call === undefined ? 'none' : (call.state as CallSituation['call']),
    role: call === undefined ? 'none' : callerKey === a ? 'caller' : 'callee',
    actorHolds: call?.holding.includes(a) ?? false,
    peerHolds: partnerKey !== undefined && (call?.holding.includes(partnerKey) ?? false),
    claim: claimant === undefined ? 'nobody' : claimant === a ? 'actor' : claimant === usernameKey(cast.peer ?? '') ? 'peer' : 'other',
  };
}

const STATE_FIELDS = ['call', 'role', 'actorHolds', 'peerHolds', 'claim'] as const;

function describeState(s: CallSituation): string {
  return STATE_FIELDS.map((field) => `${field}=${s[field]}`).join(' ');
}

/**
 * `CALL_TABLE` against a registry: every event, in every situation the contract can bring about,
 * must return the outcome of the rule that applies and leave the actor's call as that rule says.
 * The in-memory registry runs the table; the Redis one decides in Lua: this is what holds the two
 * to one set of rules. A situation no rule covers fails too.
 */
export function describeCallTableContract(name: string, create: () => Promise<RegistryUnderTest>): void {
  describe(`${name} (CALL_TABLE contract)`, () => {
    const cells = callTableCells();

    it('walks every rule of the table', () => {
      const walked = new Set(cells.map(({ event, situation }) => decideCall(event, situation)));
      expect(CALL_TABLE.filter((rule) => !walked.has(rule))).toEqual([]);
    });

    for (const event of Object.keys(EVENTS) as CallEvent[]) {
      it(`decides ${event} as CALL_TABLE says, in every situation`, async () => {
        const underTest = await create();
        const mismatches: string[] = [];
        try {
          let n = 0;
          for (const { situation } of cells.filter((cell) => cell.event === event)) {
            n += 1;
            const where = `${event} with ${JSON.stringify(situation)}`;
            const cast = await arrange(underTest.registry, `${event.toLowerCase()}${n}-`, situation);
            const arranged = await observe(underTest, cast, situation);
            if (describeState(arranged) !== describeState(situation)) throw new Error(`arranging ${where} gave ${describeState(arranged)}`);
            const rule = decideCall(event, situation);
            const outcome = await EVENTS[event].fire(underTest.registry, cast);
            const expected = afterCall(situation, rule);
            const after = await observe(underTest, cast, expected);
            if (outcome !== rule.outcome || describeState(after) !== describeState(expected)) {
              mismatches.push(`${where}: ${outcome}, ${describeState(after)}; the table says ${rule.outcome}, ${describeState(expected)}`);
            }
          }
          expect(mismatches).toEqual([]);
          expect(await underTest.violations()).toEqual([]);
        } finally {
          await underTest.close();
        }
      });
    }
  });
}
