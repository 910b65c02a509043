import 'reflect-metadata';
import { SHUTDOWN_SIGNALS, useDuetSignaling } from '@duet/server/app';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app/app.module';

/** The embedding example: an application of its own, with Duet's signaling at /ws. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  useDuetSignaling(app);
  // Not Nest's default list, which stops on SIGUSR2 (profilers and nodemon use it).
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  await app.listen(Number(process.env['PORT'] ?? 3001));
}

void bootstrap();
