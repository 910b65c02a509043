import { DynamicModule, Module } from '@nestjs/common';
import { CallReportKeys } from './call-report-keys';
import { CallReportMetrics } from './call-report-metrics';
import { CallReportsController } from './call-reports.controller';
import { ReportRateLimit } from './report-rate-limit';

/**
 * The quality loop (issue 26): `POST /api/call-reports` and the keys it checks. Needs, from the
 * application: `DUET_CONFIG`, a `ConnectionAuthenticator` (DuetModule's) and `METRICS_REGISTRY`
 * (OpsModule's). Global, so `CallReportKeyIssuer`, given to signaling as its `CallActivation`,
 * finds the same keys.
 */
@Module({})
export class CallReportsModule {
  static forRoot(): DynamicModule {
    return {
      module: CallReportsModule,
      global: true,
      controllers: [CallReportsController],
      providers: [
        { provide: CallReportKeys, useValue: new CallReportKeys() },
        { provide: ReportRateLimit, useValue: new ReportRateLimit() },
        CallReportMetrics,
      ],
      exports: [CallReportKeys],
    };
  }
}
