import { GUEST_PREVIEW_PATH, GUEST_SESSIONS_PATH, HISTORY_PATH, INVITES_PATH, PUSH_SUBSCRIPTIONS_PATH, RING_DECLINE_PATH } from '@duet/shared/protocol';
import { All, Controller, NotFoundException } from '@nestjs/common';

/**
 * The accounts endpoints of a server that keeps no accounts (AUTH_MODE=none, or an embedding
 * without them): a 404 that says why, for every method, rather than the web app's HTML, which the
 * SPA fallback would serve to a GET. Only these paths: an embedding application's own `/api`
 * routes stay its own.
 */
@Controller()
export class AccountsOffController {
  @All([HISTORY_PATH, PUSH_SUBSCRIPTIONS_PATH, RING_DECLINE_PATH].map((path) => path.slice(1)))
  off(): never {
    throw new NotFoundException('this server keeps no accounts (call history, ringing closed apps): they need AUTH_MODE=jwt or oidc');
  }

  @All([INVITES_PATH, `${INVITES_PATH}/:id`, GUEST_PREVIEW_PATH, GUEST_SESSIONS_PATH].map((path) => path.slice(1)))
  invitesOff(): never {
    throw new NotFoundException('this server has no guest invite links: they need accounts (AUTH_MODE=jwt or oidc)');
  }
}
