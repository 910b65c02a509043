import { OidcDiscovery } from '@duet/server/auth';
import { CallReportKeyIssuer, CallReportsModule } from '@duet/server/call-reports';
import { DuetConfig } from '@duet/server/config';
import { OpsModule, PrometheusSignalingMetrics } from '@duet/server/ops';
import { WebHostModule } from '@duet/server/web-host';
import { DynamicModule, Module } from '@nestjs/common';
import { DuetExtensions, DuetModule } from './duet.module';

/** Extensions of the standalone server; `imports` are not needed there (nothing else is in the app). */
export type DuetAppExtensions = Omit<DuetExtensions, 'imports' | 'metrics' | 'callActivation'> & {
  /** pino as the logger (default); tests keep Nest's console logger. */
  readonly structuredLogs?: boolean;
};

/** What `createDuetApp` fetched before building the module. */
interface Prefetched {
  readonly oidcDiscovery?: OidcDiscovery;
}

/** The whole standalone server: signaling on `/ws`, the web app on `/`, health, metrics, call reports, logs. Wiring only. */
@Module({})
export class DuetAppModule {
  static forRoot(config: DuetConfig, { structuredLogs, ...extensions }: DuetAppExtensions & Prefetched = {}): DynamicModule {
    return {
      module: DuetAppModule,
      imports: [
        OpsModule.forRoot({ ops: config.ops, structuredLogs }),
        CallReportsModule.forRoot(),
        DuetModule.forRoot({ config, metrics: PrometheusSignalingMetrics, callActivation: CallReportKeyIssuer, ...extensions }),
        WebHostModule.forRoot(config.webRoot),
      ],
    };
  }
}
