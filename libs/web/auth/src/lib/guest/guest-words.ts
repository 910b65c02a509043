import { DISPLAY_NAME_RULE, InviteProblem } from '@duet/shared/protocol';

/** The guest step's words: why an invite link or a join was refused, and where a guest goes next. */
export const INVITE_PROBLEMS: Record<InviteProblem, string> = {
  malformed: 'This invite link is not valid: check that you opened the whole link.',
  forged: 'This invite link is not valid: ask for a new one.',
  expired: 'This invite link has expired: ask the person who sent it for a new one.',
  revoked: 'This invite link was revoked: ask the person who sent it for a new one.',
  'invalid-name': `Your name ${DISPLAY_NAME_RULE}.`,
  'name-taken': 'Another guest is already using this name: choose another one.',
  'guest-limit': 'Too many guests are in Duet right now: try again in a few minutes.',
  'rate-limited': 'Too many tries from your network: wait a minute, then try again.',
};

export const INVITE_UNREACHABLE = 'Duet could not be reached: check your connection, then try again.';
export const INVITE_UNREADABLE = 'Duet could not check this invite link: try again in a moment.';
export const INVITE_EXPIRED = 'Your invite has expired: ask the person who sent it for a new link.';
export const LEFT_AS_GUEST = 'This guest session has ended. To come back, open the invite link again while it is still valid.';
