import { UpgradeGuard, UserRegistryService } from '@duet/server/signaling';
import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

/**
 * `/healthz`: the process answers (liveness: restart it if not). `/readyz`: it should get traffic
 * (readiness): it accepts connections (not shutting down) and its registry can decide (with Redis:
 * Redis answers and this instance holds its lease; the reason otherwise). 503 with the failing check otherwise.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly guard: UpgradeGuard,
    private readonly registry: UserRegistryService,
  ) {}

  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => (this.guard.isAccepting ? this.indicator.check('signaling').up() : this.indicator.check('signaling').down('shutting down')),
      () => {
        const registry = this.registry.health();
        return registry.ready ? this.indicator.check('registry').up() : this.indicator.check('registry').down(registry.reason);
      },
    ]);
  }
}
