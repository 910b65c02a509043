import { isValidUsername } from '@duet/shared/protocol';
import { BadRequestException, Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SessionGuard } from './session.guard';
import { SessionStore, sessionCookie } from './session-store.service';

/** The application's own REST API, next to Duet's `/ws` on the same server. */
@Controller('api')
export class AccountController {
  constructor(private readonly sessions: SessionStore) {}

  /** Signs in (a real application checks a password or an SSO assertion here). */
  @Post('sessions')
  signIn(@Body() body: { username?: unknown }, @Res({ passthrough: true }) response: ServerResponse): { username: string } {
    if (!isValidUsername(body.username)) throw new BadRequestException('username must be a valid Duet username');
    response.setHeader('Set-Cookie', `session=${this.sessions.open(body.username)}; HttpOnly; SameSite=Strict; Path=/`);
    return { username: body.username };
  }

  @Get('me')
  @UseGuards(SessionGuard)
  me(@Req() request: IncomingMessage): { username: string | undefined } {
    return { username: this.sessions.userOf(sessionCookie(request.headers.cookie)) };
  }
}
