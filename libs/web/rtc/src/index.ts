export * from './lib/web-rtc/web-rtc';
