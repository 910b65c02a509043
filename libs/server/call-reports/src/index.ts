export * from './lib/call-report-keys';
export * from './lib/call-report-keys.issuer';
export * from './lib/call-report-metrics';
export * from './lib/call-reports.controller';
export * from './lib/call-reports.module';
