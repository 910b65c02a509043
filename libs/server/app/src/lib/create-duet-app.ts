import { DuetConfig } from '@duet/server/config';
import { SignalingWsAdapter } from '@duet/server/signaling';
import { securityHeaders } from '@duet/server/web-host';
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DuetAppExtensions, DuetAppModule } from './duet-app.module';
import { hardenHttpServer } from './http-hardening';
import { loadTls } from './tls';

export interface CreateDuetAppOptions extends DuetAppExtensions {
  /** Nest log levels; tests pass `['error']` to keep their output readable. */
  readonly logLevels?: LogLevel[];
}

/**
 * Builds the Nest application exactly as `main.ts` runs it, so the integration tests and the
 * benchmark exercise the same wiring. The caller decides where to `listen`.
 */
export async function createDuetApp(config: DuetConfig, options: CreateDuetAppOptions = {}): Promise<INestApplication> {
  const tls = await loadTls(config.tls);
  const app = await NestFactory.create(DuetAppModule.forRoot(config, options), {
    // HTTPS and WSS on the one port, when TLS is on.
    httpsOptions: tls,
    logger: options.logLevels ?? ['log', 'warn', 'error'],
    // Idle keep-alive HTTP connections must not hold a shutdown open.
    forceCloseConnections: true,
  });
  app.use(securityHeaders());
  hardenHttpServer(app.getHttpServer(), config.limits, config.trustProxy);
  useDuetSignaling(app);
  return app;
}

/**
 * Serves `/ws` with Duet's WebSocket adapter (validation, rate limits, backlog bounds,
 * heartbeat, graceful shutdown). Call it on any application that imports `DuetModule`, before
 * `listen`. Nest has one WebSocket adapter per application: other `ws` gateways of the
 * application share it.
 */
export function useDuetSignaling(app: INestApplication): void {
  app.useWebSocketAdapter(new SignalingWsAdapter(app));
}
