import 'reflect-metadata';
import { createDuetApp } from '@duet/server/app';
import { ConnectionAuthenticator } from '@duet/server/auth';
import { DuetConfig, LimitsConfig, loadConfig } from '@duet/server/config';
import { UserRegistryService } from '@duet/server/signaling';
import { InspectableRegistry } from '@duet/server/signaling/testing';
import { INestApplication, Type } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  readonly app: INestApplication;
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly registry: InspectableRegistry;
  close(): Promise<void>;
}

export const TEST_INDEX_HTML = '<!doctype html><title>Duet test page</title><duet-root></duet-root>';

export type TestConfig = Partial<Omit<DuetConfig, 'limits'>> & {
  readonly limits?: Partial<LimitsConfig>;
  readonly authenticator?: Type<ConnectionAuthenticator>;
};

/** The real Duet app, as `main.ts` builds it, on a random loopback port, with a stand-in web root. */
export async function startTestServer({ limits, authenticator, ...overrides }: TestConfig = {}): Promise<TestServer> {
  const webRoot = mkdtempSync(join(tmpdir(), 'duet-web-'));
  writeFileSync(join(webRoot, 'index.html'), TEST_INDEX_HTML);
  const defaults = loadConfig({});
  const config: DuetConfig = {
    ...defaults,
    port: 0,
    host: '127.0.0.1',
    webRoot,
    ...overrides,
    limits: { ...defaults.limits, ...limits },
  };
  const app = await createDuetApp(config, { logLevels: ['error'], authenticator, registry: InspectableRegistry });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    httpUrl: `${config.tls.mode === 'off' ? 'http' : 'https'}://127.0.0.1:${port}`,
    wsUrl: `${config.tls.mode === 'off' ? 'ws' : 'wss'}://127.0.0.1:${port}/ws`,
    registry: app.get(UserRegistryService) as InspectableRegistry,
    close: async () => {
      await app.close();
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}
