import { AccountGuard, AccountName } from '@duet/server/auth';
import { PushSubscriptionStore } from '@duet/server/storage';
import { MAX_PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_PATH, PushSubscriptionBodySchema, PushUnsubscribeBodySchema } from '@duet/shared/protocol';
import { BadRequestException, Body, ConflictException, Controller, Delete, HttpCode, HttpStatus, NotFoundException, Post, Res, UseGuards } from '@nestjs/common';
import { ECDH } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { AccountsBodyLimitGuard } from './accounts-body-limit.guard';
import { PushEndpointPolicy, PushEndpointRefused } from './endpoint-policy';

/**
 * `POST /api/push-subscriptions` keeps this browser's subscription for the signed-in user (201
 * added, 200 renewed: the same endpoint again), `DELETE` forgets it (204, 404 if unknown). The
 * endpoint passes the push allow-list first (400 with the reason); a user holds at most
 * `MAX_PUSH_SUBSCRIPTIONS` (409).
 */
@Controller(PUSH_SUBSCRIPTIONS_PATH.slice(1))
@UseGuards(AccountsBodyLimitGuard, AccountGuard)
export class PushSubscriptionsController {
  constructor(
    private readonly subscriptions: PushSubscriptionStore,
    private readonly policy: PushEndpointPolicy,
  ) {}

  @Post()
  async subscribe(@AccountName() username: string, @Body() body: unknown, @Res({ passthrough: true }) response: ServerResponse): Promise<void> {
    const { endpoint, keys } = parsed(PushSubscriptionBodySchema, body, 'push subscription');
    checkKeys(keys);
    await this.policy.check(endpoint).catch((error: unknown) => {
      throw error instanceof PushEndpointRefused ? new BadRequestException(error.message) : error;
    });
    const result = await this.subscriptions.add(username, { endpoint, p256dh: keys.p256dh, auth: keys.auth }, MAX_PUSH_SUBSCRIPTIONS);
    if (result === 'full') {
      throw new ConflictException(`you already have ${MAX_PUSH_SUBSCRIPTIONS} browsers subscribed, the most there may be: unsubscribe one first`);
    }
    response.statusCode = result === 'added' ? HttpStatus.CREATED : HttpStatus.OK;
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  async unsubscribe(@AccountName() username: string, @Body() body: unknown): Promise<void> {
    const { endpoint } = parsed(PushUnsubscribeBodySchema, body, 'unsubscribe request');
    if (!(await this.subscriptions.remove(username, endpoint))) throw new NotFoundException('no such push subscription');
  }
}

/** The body as `schema` wants it, or 400 naming the first thing wrong. */
function parsed<T>(schema: z.ZodMiniType<T>, body: unknown, what: string): T {
  const result = z.safeParse(schema, body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw new BadRequestException(`invalid ${what}: ${where}: ${problem(issue)}`);
}

/**
 * The keys a push is encrypted to (RFC 8291): a P-256 public key and an auth secret of at least 16
 * bytes. Kept otherwise, the subscription could never be pushed to, yet would count against the
 * cap and turn every call to its owner into "unreachable".
 */
function checkKeys({ p256dh, auth }: { readonly p256dh: string; readonly auth: string }): void {
  const point = Buffer.from(p256dh, 'base64url');
  // Uncompressed (65 bytes, as browsers give it and as web-push needs it), and on the curve.
  if (point.length !== 65 || !onP256(point)) throw new BadRequestException('invalid push subscription: keys.p256dh: not an uncompressed P-256 public key');
  if (Buffer.from(auth, 'base64url').length < 16) throw new BadRequestException('invalid push subscription: keys.auth: shorter than 16 bytes');
}

function onP256(point: Buffer): boolean {
  try {
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

/** zod-mini carries no messages of its own ("Invalid input"): say what was wrong. */
function problem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'object' && issue.path.length === 0 ? 'a JSON object' : issue.expected}`;
    case 'too_big':
      return `at most ${issue.maximum} characters`;
    case 'too_small':
      return `at least ${issue.minimum} characters`;
    case 'invalid_format':
      return 'not base64url';
    default:
      return issue.message;
  }
}
