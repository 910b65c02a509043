import { Controller, Get, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIGNALING_PATH } from './signaling-options';
import { UpgradeGuard } from './transport/upgrade-guard';

/**
 * `GET /ws/admission`: would `/ws` take a WebSocket from this client now? 204 if so; otherwise the
 * status the upgrade would be refused with (401, 403, 429, 503) and `{"status", "message"}`.
 * Send the same credentials as the socket would (`Authorization: Bearer`, cookies).
 */
@Controller(SIGNALING_PATH.slice(1))
export class AdmissionController {
  constructor(private readonly guard: UpgradeGuard) {}

  @Get('admission')
  async admission(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const verdict = await this.guard.admission(request);
    response.setHeader('Cache-Control', 'no-store');
    if (verdict.accepted) {
      response.writeHead(204).end();
      return;
    }
    response.writeHead(verdict.status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ status: verdict.status, message: verdict.message }));
  }
}
