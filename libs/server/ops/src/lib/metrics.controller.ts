import { DUET_CONFIG, DuetConfig } from '@duet/server/config';
import { Controller, Get, Inject, NotFoundException, Req, Res, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './prometheus-signaling-metrics';

/**
 * `/metrics` on the main port, for Prometheus, only with `Authorization: Bearer <METRICS_TOKEN>`:
 * the series say how busy the server is, which is nobody else's business. Without a token
 * configured it does not exist here (use `METRICS_PORT` on an internal interface instead).
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(DUET_CONFIG) private readonly config: DuetConfig,
  ) {}

  @Get()
  async metrics(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const token = this.config.ops.metricsToken;
    if (token === undefined) throw new NotFoundException();
    if (!bearerMatches(request.headers.authorization, token)) throw new UnauthorizedException('metrics need Authorization: Bearer <METRICS_TOKEN>');
    response.writeHead(200, { 'Content-Type': this.registry.contentType }).end(await this.registry.metrics());
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const shown = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return shown.length === expected.length && timingSafeEqual(shown, expected);
}
