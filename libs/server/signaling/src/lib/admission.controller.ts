import { Controller, Get, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIGNALING_PATH } from './signaling-options';
import { UpgradeGuard } from './transport/upgrade-guard';

/**
 * `GET /ws/admission`: would `/ws` take a WebSocket from this client now? 204 if so; otherwise the
 * status the upgrade would be refused with (401, 403, 429, 503) and `{"status", "message"}`.
 * Send the same credentials as the socket would (`Authorization: Bearer`, cookies).
 *
 * Browsers send no `Origin` on a same-origin GET (Fetch standard), yet the upgrade always carries
 * one, so a page names its origin in `?origin=`. Only when the header is absent: a client that
 * lies there misleads nobody but itself, as the answer grants nothing.
 */
@Controller(SIGNALING_PATH.slice(1))
export class AdmissionController {
  constructor(private readonly guard: UpgradeGuard) {}

  @Get('admission')
  async admission(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const verdict = await this.guard.admission(request, request.headers.origin ?? claimedOrigin(request));
    response.setHeader('Cache-Control', 'no-store');
    if (verdict.accepted) {
      response.writeHead(204).end();
      return;
    }
    response.writeHead(verdict.status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ status: verdict.status, message: verdict.message }));
  }
}

function claimedOrigin(request: IncomingMessage): string | undefined {
  return new URL(request.url ?? '/', 'http://admission.invalid').searchParams.get('origin') ?? undefined;
}
