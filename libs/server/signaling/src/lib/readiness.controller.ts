import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { UserRegistryService } from './user-registry.service';

/**
 * `GET /readyz`: may a load balancer send this instance new users? 200 when its registry can
 * decide (always, in memory; with Redis, while Redis answers and this instance holds its lease),
 * 503 with the reason otherwise. Sockets already open keep working either way.
 */
@Controller()
export class ReadinessController {
  constructor(private readonly registry: UserRegistryService) {}

  @Get('readyz')
  readiness(@Res() response: ServerResponse): void {
    const health = this.registry.health();
    response.setHeader('Cache-Control', 'no-store');
    response.writeHead(health.ready ? 200 : 503, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(health.ready ? { status: 'ready' } : { status: 'not ready', reason: health.reason }));
  }
}
