export * from './lib/call-facade.service';
export * from './lib/call-page/call-page.component';
export * from './lib/alerts/call-alerts.service';
export * from './lib/answer-from-address';
