import { builtInAuthenticator, connectToOidcProvider, oidcConnectOrigins } from '@duet/server/auth';
import { DuetConfig } from '@duet/server/config';
import { SignalingWsAdapter } from '@duet/server/signaling';
import { QuietNestLogger } from '@duet/server/ops';
import { securityHeaders } from '@duet/server/web-host';
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DuetAppExtensions, DuetAppModule } from './duet-app.module';
import { hardenHttpServer } from './http-hardening';
import { redirectPlainHttpToHttps } from './plain-http-redirect';
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
  // Files named by the settings are read now, so a bad one stops the start with one line naming
  // its variable, before Nest is half started.
  const tls = await loadTls(config.tls);
  // So is the OpenID provider's discovery document, and the client id is checked against it: a
  // wrong issuer or client id is one line too, not a Nest error.
  const oidcDiscovery = config.auth.mode === 'oidc' ? await connectToOidcProvider(config.auth) : undefined;
  if (options.authenticator === undefined) builtInAuthenticator(config.auth, oidcDiscovery);
  const structuredLogs = options.logLevels === undefined;
  const app = await NestFactory.create(DuetAppModule.forRoot(config, { ...options, structuredLogs, oidcDiscovery }), {
    // HTTPS and WSS on the one port, when TLS is on.
    httpsOptions: tls,
    // With pino, Nest's own start-up lines are held until pino takes over, then written through it.
    ...(structuredLogs ? { bufferLogs: true } : { logger: options.logLevels }),
    // Idle keep-alive HTTP connections must not hold a shutdown open.
    forceCloseConnections: true,
  });
  if (tls !== undefined) redirectPlainHttpToHttps(app.getHttpServer(), config.limits.httpHeadersTimeoutMs);
  if (structuredLogs) app.useLogger(new QuietNestLogger(app.get(PinoLogger)));
  // The browser fetches the provider's endpoints itself (code exchange, renewal, log-out).
  app.use(securityHeaders({ connectOrigins: oidcDiscovery ? oidcConnectOrigins(oidcDiscovery) : [] }));
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
