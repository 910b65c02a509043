import { OpsConfig } from '@duet/server/config';
import { JOIN_PATH_PREFIX } from '@duet/shared/protocol';
import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { batchedLogDestination } from './batched-log-destination';

/** Whether the pretty printer is installed (a development dependency: production images log JSON). */
function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** A request's path as logs show it: no query, and an invite page's token (a capability) left out. */
export function loggedPath(url: string | undefined): string | undefined {
  const path = url?.split('?')[0];
  return path?.startsWith(JOIN_PATH_PREFIX) ? `${JOIN_PATH_PREFIX}…` : path;
}

/**
 * Structured logs (pino): JSON lines in production, one readable line per event at a terminal,
 * at `LOG_LEVEL`. Lines about a connection carry its `connection` id. HTTP requests are not
 * logged one by one, and no request header is ever written: they carry addresses, cookies and
 * tokens. SDPs and candidates are never logged at all.
 */
export function loggingModule(ops: OpsConfig): DynamicModule {
  const pretty = ops.logFormat === 'pretty' && prettyAvailable();
  const options: Options = {
    level: ops.logLevel,
    autoLogging: false,
    quietReqLogger: true,
    serializers: { req: (request: { method?: string; url?: string }) => ({ method: request.method, url: loggedPath(request.url) }) },
    redact: { paths: ['req.headers', 'token', '*.token', 'authorization', '*.authorization'], remove: true },
    transport: pretty
      ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
      : undefined,
  };
  // JSON lines are written asynchronously and in batches (`batchedLogDestination`): logins cost a
  // few system calls a second, not one each.
  return LoggerModule.forRoot({ pinoHttp: pretty ? options : [options, batchedLogDestination()] });
}
