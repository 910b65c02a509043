import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ConnectionAuthenticator } from './connection-authenticator';

/** The request, once `AccountGuard` let it through: whose account it acts on. */
interface AuthenticatedRequest extends IncomingMessage {
  duetAccount?: string;
}

/**
 * Guards the per-user HTTP endpoints (`/api/push-subscriptions`, `/api/history`) with the very
 * authenticator that guards `/ws`, so they take the WebSocket's token (`Authorization: Bearer`)
 * and an application's own authenticator covers them too. Only an identity that names a user
 * passes: an account is a stable name, which anonymous connections do not have. A guest (issue 25)
 * is signed in but has no account: refused with 403.
 */
@Injectable()
export class AccountGuard implements CanActivate {
  constructor(private readonly authenticator: ConnectionAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const identity = await this.authenticator.authenticate(request).catch(() => undefined);
    if (identity?.username === undefined || (identity.expiresAt !== undefined && identity.expiresAt <= Date.now())) {
      throw new UnauthorizedException('sign in first: send the token you connect with, as Authorization: Bearer <token>');
    }
    if (identity.guest !== undefined) throw new ForbiddenException('guests have no account here: only members of this server may do this');
    request.duetAccount = identity.username;
    return true;
  }
}

/** The signed-in user's name, in a handler behind `AccountGuard`. */
export const AccountName = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const account = context.switchToHttp().getRequest<AuthenticatedRequest>().duetAccount;
  if (account === undefined) throw new Error('AccountName used on a route without AccountGuard');
  return account;
});
