import 'reflect-metadata';
import { SHUTDOWN_SIGNALS, createDuetApp, explainListenError, registryInUse, startupBanner } from '@duet/server/app';
import { ConfigError, describeSettings, ignoredSettings, loadConfig } from '@duet/server/config';
import { Logger } from '@nestjs/common';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createDuetApp(config);
  const logger = new Logger('Duet');
  logger.log(`settings: ${describeSettings(config, registryInUse(app))}`);
  for (const warning of ignoredSettings(process.env, config)) logger.warn(warning);
  // Ctrl-C / SIGTERM / a closed terminal: stop accepting, tell clients to reconnect elsewhere
  // (1001), then exit. Not SIGUSR2 or SIGUSR1 (see SHUTDOWN_SIGNALS).
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  for (const signal of SHUTDOWN_SIGNALS) {
    process.once(signal, () => {
      // However the shutdown goes, the process is gone within the bound.
      setTimeout(() => {
        console.error(`shutdown took longer than ${config.limits.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, config.limits.shutdownTimeoutMs).unref();
    });
  }
  try {
    // No HOST: Node's default, all interfaces (IPv6 and IPv4 where the machine has IPv6).
    await (config.host === undefined ? app.listen(config.port) : app.listen(config.port, config.host));
  } catch (error) {
    await app.close().catch(() => undefined);
    throw explainListenError(error, config.port, config.host);
  }
  for (const line of startupBanner(config, config.port)) logger.log(line);
}

bootstrap().catch((error: unknown) => {
  // A bad variable is the operator's to fix: say which, in one line, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
