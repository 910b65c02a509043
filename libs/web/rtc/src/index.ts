export * from './lib/call-state';
export * from './lib/errors';
export * from './lib/media';
export * from './lib/rtc-environment';
export * from './lib/signaling-client.service';
export * from './lib/call-session';
export * from './lib/peer.service';
export * from './lib/test-hooks';
