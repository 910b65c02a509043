import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { AccountsBodyLimitGuard } from '@duet/server/push';
import { ClientAddress, GuestSessions, UserRegistryService } from '@duet/server/signaling';
import {
  DISPLAY_NAME_RULE,
  GUEST_PREVIEW_PATH,
  GUEST_SESSIONS_PATH,
  GuestJoinBodySchema,
  GuestPreview,
  GuestPreviewBodySchema,
  GuestSession,
  guestUsername,
  normalizeDisplayName,
} from '@duet/shared/protocol';
import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod/mini';
import { InviteChecks } from './invite-checks';
import { InviteProblemException } from './invite-problem';
import { InviteTokens } from './invite-tokens';
import { JoinLimiter } from './join-limiter';

/**
 * The public side of an invite link (no sign-in: the link is the credential). `preview` says who
 * invited you; `join` turns the link and a display name into a guest token. Each is limited to
 * `GUEST_JOINS_PER_MINUTE` per client address (`TRUST_PROXY` decides what that address is), and
 * `join` to `MAX_GUESTS` guests online on this instance. Refusals carry an `InviteProblem`.
 */
@Controller()
@UseGuards(AccountsBodyLimitGuard)
export class GuestSessionsController {
  private readonly address: ClientAddress;
  private readonly previews: JoinLimiter;
  private readonly joins: JoinLimiter;
  private readonly maxGuests: number;

  constructor(
    @Inject(DUET_CONFIG) config: DuetConfig,
    private readonly checks: InviteChecks,
    private readonly tokens: InviteTokens,
    private readonly guests: GuestSessions,
    private readonly registry: UserRegistryService,
  ) {
    const perMinute = config.accounts?.invites.joinsPerMinutePerAddress ?? 10;
    this.address = new ClientAddress(config.trustProxy);
    this.previews = new JoinLimiter(perMinute);
    this.joins = new JoinLimiter(perMinute);
    this.maxGuests = config.accounts?.invites.maxGuests ?? 0;
  }

  @Post(GUEST_PREVIEW_PATH.slice(1))
  @HttpCode(HttpStatus.OK)
  async preview(@Body() body: unknown, @Req() request: IncomingMessage): Promise<GuestPreview> {
    this.limit(this.previews, request);
    const { invite } = parsed(GuestPreviewBodySchema, body);
    const { inviter, expiresAt } = await this.checks.liveInvite(invite);
    return { inviter, expiresAt };
  }

  @Post(GUEST_SESSIONS_PATH.slice(1))
  async join(@Body() body: unknown, @Req() request: IncomingMessage): Promise<GuestSession> {
    this.limit(this.joins, request);
    const { invite, displayName: typed } = parsed(GuestJoinBodySchema, body);
    const claims = await this.checks.liveInvite(invite);
    const displayName = normalizeDisplayName(typed);
    if (displayName === undefined) throw new InviteProblemException('invalid-name', `Your name ${DISPLAY_NAME_RULE}`);
    if (this.guests.online >= this.maxGuests) {
      throw new InviteProblemException('guest-limit', 'This server has as many guests as it can take right now: try again in a few minutes');
    }
    const username = guestUsername(claims.inviter, displayName);
    if ((await this.registry.find(username)) !== undefined) {
      throw new InviteProblemException('name-taken', `Another guest of ${claims.inviter} is using the name ${displayName}: pick another`);
    }
    const token = await this.tokens.issueGuest({ ...claims, username });
    return { token, username, displayName, inviter: claims.inviter, expiresAt: claims.expiresAt };
  }

  private limit(limiter: JoinLimiter, request: IncomingMessage): void {
    if (!limiter.take(this.address.of(request))) {
      throw new InviteProblemException('rate-limited', 'Too many attempts from your network: wait a minute and try again');
    }
  }
}

/** The body as `schema` wants it; anything else is no invite at all (`malformed`). */
function parsed<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  const result = z.safeParse(schema, body);
  if (!result.success) throw new InviteProblemException('malformed', 'This is not an invite link: check that it was copied whole');
  return result.data;
}
