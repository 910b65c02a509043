import { ABANDON_CLAIM, ACCEPT, CALL_OF, DECLINE, DUE_RINGS, EXPIRE, HANG_UP, OFFER, PARTNER, REJOIN } from './calls.lua';
import { CLAIM_DEAD, LEASE, REASSERT, RELEASE_BATCH, SWEPT } from './cluster.lua';
import { PRELUDE } from './prelude.lua';
import { CLAIM, ONLINE_PAGE, RELEASE, REPLACE, SET_AVAILABILITY, TAKE_OVER } from './users.lua';

/** Every script, by the name it is called under (`RedisLink.run`). */
export const SCRIPTS = {
  claim: CLAIM,
  release: RELEASE,
  replace: REPLACE,
  takeOver: TAKE_OVER,
  onlinePage: ONLINE_PAGE,
  setAvailability: SET_AVAILABILITY,
  offer: OFFER,
  accept: ACCEPT,
  partner: PARTNER,
  hangUp: HANG_UP,
  decline: DECLINE,
  expire: EXPIRE,
  dueRings: DUE_RINGS,
  callOf: CALL_OF,
  rejoin: REJOIN,
  abandonClaim: ABANDON_CLAIM,
  lease: LEASE,
  claimDead: CLAIM_DEAD,
  swept: SWEPT,
  releaseBatch: RELEASE_BATCH,
  reassert: REASSERT,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

export function scriptSource(name: ScriptName): string {
  return PRELUDE + SCRIPTS[name];
}
