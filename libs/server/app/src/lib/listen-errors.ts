import { ConfigError } from '@duet/server/config';

/**
 * Turns a failure to listen into the one line an operator can act on, naming the variable: the
 * raw error is a stack trace that does not say which setting to change.
 */
export function explainListenError(error: unknown, port: number, host: string | undefined): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(`Invalid PORT=${port}: the port is in use by another program; stop it or choose another PORT`);
    case 'EACCES':
      return new ConfigError(`Invalid PORT=${port}: not allowed to listen there (ports below 1024 need privileges); choose another PORT`);
    case 'EADDRNOTAVAIL':
      return new ConfigError(`Invalid HOST=${JSON.stringify(host)}: not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`Invalid HOST=${JSON.stringify(host)}: no such host name`);
    default:
      return error;
  }
}
