import { OpsConfig } from '@duet/server/config';
import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HealthController } from './health.controller';
import { loggingModule } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsPort } from './metrics-port';
import { METRICS_REGISTRY } from './prometheus-signaling-metrics';

export interface OpsModuleOptions {
  readonly ops: OpsConfig;
  /** pino as the application's logger (the standalone server); off where the host app logs its own way. */
  readonly structuredLogs?: boolean;
}

/** What an operator runs Duet with: `/healthz`, `/readyz`, `/metrics` (and `METRICS_PORT`), structured logs. */
@Module({})
export class OpsModule {
  static forRoot({ ops, structuredLogs = true }: OpsModuleOptions): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), ...(structuredLogs ? [loggingModule(ops)] : [])],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        MetricsPort,
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
