import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { SessionStore, sessionCookie } from './session-store.service';

/**
 * Admits a WebSocket to Duet's `/ws` for whoever the application's own session cookie names, and
 * only under that name. It is a Nest provider: it injects the application's services.
 */
@Injectable()
export class SessionCookieAuthenticator extends ConnectionAuthenticator {
  constructor(private readonly sessions: SessionStore) {
    super();
  }

  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const username = this.sessions.userOf(sessionCookie(request.headers.cookie));
    return username === undefined ? undefined : { username };
  }
}
