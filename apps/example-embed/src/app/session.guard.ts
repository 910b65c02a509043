import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { SessionStore, sessionCookie } from './session-store.service';

/** The application's own guard for its REST endpoints: the same sessions Duet's authenticator trusts. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionStore) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    return this.sessions.userOf(sessionCookie(request.headers.cookie)) !== undefined;
  }
}
