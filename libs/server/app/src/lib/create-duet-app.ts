import { DuetConfig } from '@duet/server/config';
import { SignalingWsAdapter } from '@duet/server/signaling';
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DuetAppModule } from './duet-app.module';

export interface CreateDuetAppOptions {
  /** Nest log levels; tests pass `['error']` to keep their output readable. */
  readonly logLevels?: LogLevel[];
}

/**
 * Builds the Nest application exactly as `main.ts` runs it, so the integration tests and the
 * benchmark exercise the same wiring. The caller decides where to `listen`.
 */
export async function createDuetApp(config: DuetConfig, options: CreateDuetAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(DuetAppModule.forRoot(config), {
    logger: options.logLevels ?? ['log', 'warn', 'error'],
  });
  app.useWebSocketAdapter(new SignalingWsAdapter(app, { maxPayloadBytes: config.maxPayloadBytes }));
  return app;
}
