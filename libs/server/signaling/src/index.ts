export * from './lib/message-sink';
export * from './lib/session';
export * from './lib/user-registry.service';
export * from './lib/in-memory-user-registry.service';
export * from './lib/signaling-options';
export * from './lib/signaling.module';
export * from './lib/transport/signaling-ws.adapter';
export * from './lib/transport/upgrade-guard';
