import { AnswerResult, DeclineResult, HangUpResult, OfferResult, PartnerResult, RejoinResult } from './call-rules';

/**
 * Where a call event finds its actor (the user it comes from), as the call rules see it. Registries
 * work this out from their own state (maps in memory, hashes in Redis); `CALL_TABLE` says what
 * follows from it.
 */
export interface CallSituation {
  /**
   * The call id the event names: none; the actor's current call; one that no longer exists (or
   * never did); another live call (someone else's). For `expire`, the call being expired.
   */
  readonly given: 'none' | 'current' | 'ended' | 'live';
  /** The actor's call, and its part in it. For `expire`, the named call and its caller. */
  readonly call: 'none' | 'ringing' | 'active';
  readonly role: 'none' | 'caller' | 'callee';
  /** Whether the actor, or the other party of its call, holds an offer it has not answered. */
  readonly actorHolds: boolean;
  readonly peerHolds: boolean;
  /**
   * The user the event names: the other party of the actor's call (online), the actor itself,
   * someone online and in no call, someone online in another call, nobody online, or nobody named.
   */
  readonly peer: 'party' | 'self' | 'free' | 'busy' | 'offline' | 'unnamed';
  /**
   * Who claims the named call after a restart (`rejoin`): nobody, the actor, the named peer
   * (claiming it with the actor), or someone else (or the peer, with someone else).
   */
  readonly claim: 'nobody' | 'actor' | 'peer' | 'other';
}

/** What a rule changes: the actor's call, who holds an offer, its claim. Fields left out stay as they were. */
export type CallChange = Partial<Pick<CallSituation, 'call' | 'role' | 'actorHolds' | 'peerHolds' | 'claim'>>;

/** A rule applies when every field it names has that value (or one of those values). */
export type CallWhen = { readonly [K in keyof CallSituation]?: CallSituation[K] | readonly CallSituation[K][] };

/** Each event's outcomes: for most, the `outcome` its registry method returns. */
export interface CallOutcomes {
  offer: OfferResult['outcome'];
  accept: AnswerResult['outcome'];
  partner: PartnerResult['outcome'];
  hangUp: HangUpResult['outcome'];
  decline: DeclineResult['outcome'];
  /** `expire` returns the parties, or nothing. */
  expire: 'expired' | 'not-ringing';
  rejoin: RejoinResult['outcome'];
  /** `abandonClaim` returns true, or false. */
  abandonClaim: 'abandoned' | 'not-waiting';
  /** `unregister`: the call it ended, or nothing. */
  leave: 'ended' | 'left';
}

export type CallEvent = keyof CallOutcomes;

export type CallRule<E extends CallEvent = CallEvent> = {
  [K in E]: { readonly event: K; readonly when: CallWhen; readonly outcome: CallOutcomes[K]; readonly to?: CallChange };
}[E];

const STALE = ['ended', 'live'] as const;
const IN_CALL = ['ringing', 'active'] as const;
const NOT_THERE = ['free', 'busy', 'offline'] as const;

/**
 * THE call rules: every call event, what it decides in each situation, and what it changes. The
 * first rule of an event whose `when` matches applies; every event ends in a catch-all.
 *
 * The in-memory registry runs this table (`InMemoryUserRegistry`); the Redis registry's Lua
 * scripts (`registry-redis/src/lib/scripts/calls.lua.ts`, one script per event, same name) decide
 * the same and are held to it by `describeCallTableContract`, which walks every situation of every
 * event against both registries. A new call event is a set of rows here plus its Lua script.
 *
 * Not rules but bookkeeping, done by whoever stores the call: starting a call voids both parties'
 * waiting claims; a user who leaves holds nothing (its claim goes too); `offer` to oneself never
 * gets here (`SignalingService` refuses a self-call).
 */
export const CALL_TABLE: readonly CallRule[] = [
  { event: 'offer', when: { given: STALE }, outcome: 'stale' },
  { event: 'offer', when: { call: 'none', peer: 'busy' }, outcome: 'callee-busy' },
  { event: 'offer', when: { call: 'none', peer: 'offline' }, outcome: 'callee-offline' },
  { event: 'offer', when: { call: 'none' }, outcome: 'ringing', to: { call: 'ringing', role: 'caller', actorHolds: false, peerHolds: true } },
  { event: 'offer', when: { peer: NOT_THERE }, outcome: 'caller-busy' },
  // While it rings, one offer each way (the caller's, and the callee's in glare) is all that can
  // be useful; later ones would only fill the callee's link. An active call takes any (ICE restarts).
  { event: 'offer', when: { call: 'ringing', peerHolds: true }, outcome: 'offer-pending' },
  { event: 'offer', when: {}, outcome: 'in-call', to: { peerHolds: true } },

  // Only the party holding an offer answers it, once. Answering leaves the answerer stable: under
  // perfect negotiation any offer of its own was rolled back, so nobody holds one afterwards.
  { event: 'accept', when: { given: STALE }, outcome: 'stale' },
  { event: 'accept', when: { peer: 'party', actorHolds: true }, outcome: 'accepted', to: { call: 'active', actorHolds: false, peerHolds: false } },
  { event: 'accept', when: { peer: 'party' }, outcome: 'no-offer' },
  { event: 'accept', when: {}, outcome: 'not-in-call' },

  // The candidate gate (the hottest path): the two share a call, ringing or active.
  { event: 'partner', when: { given: STALE }, outcome: 'stale' },
  { event: 'partner', when: { peer: 'party' }, outcome: 'in-call' },
  { event: 'partner', when: {}, outcome: 'not-in-call' },

  { event: 'hangUp', when: { given: STALE }, outcome: 'stale' },
  { event: 'hangUp', when: { call: IN_CALL, peer: ['party', 'self', 'unnamed'] }, outcome: 'ended', to: { call: 'none' } },
  { event: 'hangUp', when: {}, outcome: 'not-in-call' },

  { event: 'decline', when: { given: STALE }, outcome: 'stale' },
  { event: 'decline', when: { call: 'ringing', role: 'callee', peer: 'party' }, outcome: 'declined', to: { call: 'none' } },
  { event: 'decline', when: {}, outcome: 'not-ringing' },

  // The ring timer of call `given` fired: a late timer must not end a call that was answered.
  { event: 'expire', when: { given: 'current', call: 'ringing' }, outcome: 'expired', to: { call: 'none' } },
  { event: 'expire', when: {}, outcome: 'not-ringing' },

  // After a restart both parties claim the call they were in; it is restored, active, under its old
  // id once the second claim matches the first. A claim nobody else can confirm is refused.
  { event: 'rejoin', when: { peer: 'self' }, outcome: 'refused' },
  { event: 'rejoin', when: { call: IN_CALL }, outcome: 'refused' },
  { event: 'rejoin', when: { given: ['current', 'live'] }, outcome: 'refused' },
  {
    event: 'rejoin',
    when: { claim: 'peer', peer: 'free' },
    outcome: 'restored',
    to: { call: 'active', role: 'callee', actorHolds: false, peerHolds: false, claim: 'nobody' },
  },
  { event: 'rejoin', when: { claim: ['peer', 'other'] }, outcome: 'refused' },
  // A peer already online may still be between its login and its claim: wait for it either way.
  { event: 'rejoin', when: {}, outcome: 'waiting', to: { claim: 'actor' } },

  { event: 'abandonClaim', when: { claim: 'actor' }, outcome: 'abandoned', to: { claim: 'nobody' } },
  { event: 'abandonClaim', when: {}, outcome: 'not-waiting' },

  { event: 'leave', when: { call: IN_CALL }, outcome: 'ended', to: { call: 'none' } },
  { event: 'leave', when: {}, outcome: 'left' },
];

type Test = readonly [keyof CallSituation, unknown];

/** The table by event, each rule's `when` as a list of field tests: matching costs a few comparisons. */
const RULES = new Map<CallEvent, { readonly rule: CallRule; readonly tests: readonly Test[] }[]>();
for (const rule of CALL_TABLE) {
  const tests = Object.entries(rule.when) as unknown as Test[];
  RULES.set(rule.event, [...(RULES.get(rule.event) ?? []), { rule, tests }]);
}

function holds(situation: CallSituation, [field, expected]: Test): boolean {
  const actual = situation[field];
  return Array.isArray(expected) ? expected.includes(actual) : actual === expected;
}

/** The rule of `event` that applies in `situation`: the first whose `when` matches. */
export function decideCall<E extends CallEvent>(event: E, situation: CallSituation): CallRule<E> {
  rules: for (const { rule, tests } of RULES.get(event) ?? []) {
    for (const test of tests) if (!holds(situation, test)) continue rules;
    return rule as CallRule<E>;
  }
  throw new Error(`CALL_TABLE has no rule for ${event} in ${JSON.stringify(situation)}`);
}

/** The situation after `rule` applied: the actor's call as it must be now. */
export function afterCall(situation: CallSituation, rule: CallRule): CallSituation {
  const next = { ...situation, ...rule.to };
  return next.call === 'none' ? { ...next, role: 'none', actorHolds: false, peerHolds: false } : next;
}
