import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** Your application's own sessions (a database or Redis in real life): session id -> user. */
@Injectable()
export class SessionStore {
  private readonly sessions = new Map<string, string>();

  open(username: string): string {
    const id = randomBytes(16).toString('base64url');
    this.sessions.set(id, username);
    return id;
  }

  userOf(sessionId: string | undefined): string | undefined {
    return sessionId === undefined ? undefined : this.sessions.get(sessionId);
  }
}

/** The `session` cookie of a request, as Express would parse it (kept dependency-free here). */
export function sessionCookie(cookieHeader: string | undefined): string | undefined {
  return new URLSearchParams(cookieHeader?.replace(/; */g, '&')).get('session') ?? undefined;
}
