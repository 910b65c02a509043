import { AccountGuard, AccountName } from '@duet/server/auth';
import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { AccountsBodyLimitGuard } from '@duet/server/push';
import { InviteRevocations } from '@duet/server/signaling';
import { InviteStore } from '@duet/server/storage';
import { CreatedInvite, CreateInviteBodySchema, INVITES_PATH, InviteList, JOIN_PATH_PREFIX } from '@duet/shared/protocol';
import { BadRequestException, Body, ConflictException, Controller, Delete, Get, HttpCode, HttpStatus, Inject, NotFoundException, Param, Post, Req, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod/mini';
import { inviteExpiry, InviteTokens } from './invite-tokens';
import { RequestOrigin } from './request-origin';

/** Live invites one member may hold at once: each is a row and a way in, so they are bounded. */
export const MAX_ACTIVE_INVITES = 50;

/**
 * A member's invite links (`AccountGuard`: members only, a guest is refused 403): `POST` makes one
 * (201 `CreatedInvite`, its link shown once: the server keeps no copy of the token), `GET` lists
 * the live ones, `DELETE /<id>` revokes one of your own (204; 404 if there is none), which ends
 * the guest sessions it let in, on every instance.
 */
@Controller(INVITES_PATH.slice(1))
@UseGuards(AccountsBodyLimitGuard, AccountGuard)
export class InvitesController {
  constructor(
    @Inject(DUET_CONFIG) private readonly config: DuetConfig,
    private readonly invites: InviteStore,
    private readonly tokens: InviteTokens,
    private readonly revocations: InviteRevocations,
    private readonly origin: RequestOrigin,
  ) {}

  @Post()
  async create(@AccountName() inviter: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<CreatedInvite> {
    const parsed = z.safeParse(CreateInviteBodySchema, body ?? {});
    if (!parsed.success) throw new BadRequestException('invalid invite: ttlHours must be a number of hours above 0 and at most 168');
    if ((await this.invites.listActive(inviter)).length >= MAX_ACTIVE_INVITES) {
      throw new ConflictException(`you already have ${MAX_ACTIVE_INVITES} active invite links, the most there may be: revoke one first`);
    }
    const createdAt = Date.now();
    const ttlHours = parsed.data.ttlHours ?? this.config.accounts?.invites.defaultTtlHours ?? 24;
    const invite = { id: randomUUID(), inviter, createdAt, expiresAt: inviteExpiry(createdAt, ttlHours) };
    await this.invites.create(invite);
    const token = await this.tokens.issueInvite({ inviteId: invite.id, inviter, expiresAt: invite.expiresAt });
    return { id: invite.id, createdAt, expiresAt: invite.expiresAt, url: `${this.origin.of(request)}${JOIN_PATH_PREFIX}${token}` };
  }

  @Get()
  async list(@AccountName() inviter: string): Promise<InviteList> {
    const invites = await this.invites.listActive(inviter);
    return { invites: invites.map(({ id, createdAt, expiresAt }) => ({ id, createdAt, expiresAt })) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@AccountName() inviter: string, @Param('id') id: string): Promise<void> {
    if (!(await this.invites.revoke(id, inviter))) throw new NotFoundException('you have no active invite with this id');
    await this.revocations.publish(id);
  }
}
