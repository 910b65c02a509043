import { ConnectionAuthenticator } from '@duet/server/auth';
import { DUET_CONFIG, loadConfig } from '@duet/server/config';
import { PushSubscriptionStore, StorageModule } from '@duet/server/storage';
import { Global, INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PushModule } from './push.module';
import { VapidKeys } from './vapid-keys';
import { WebPushCalleeDevices } from './web-push-callee-devices';

/** PushModule beside the real StorageModule (SQLite in a temp dir), wired as the application wires them. */
describe(PushModule.name, () => {
  let dir: string;
  const config = () => loadConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(32), DATA_DIR: dir, PUSH_VAPID_SUBJECT: 'mailto:ops@example.com' });

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'duet-push-module-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function boot(): Promise<INestApplicationContext> {
    const settings = config();
    @Global()
    @Module({
      providers: [{ provide: DUET_CONFIG, useValue: settings }, { provide: ConnectionAuthenticator, useValue: { authenticate: async () => undefined } }],
      exports: [DUET_CONFIG, ConnectionAuthenticator],
    })
    class TheApplication {}
    const accounts = settings.accounts;
    if (accounts === undefined) throw new Error('accounts expected with AUTH_MODE=jwt');
    const moduleRef = await Test.createTestingModule({ imports: [TheApplication, StorageModule.forRoot(accounts), PushModule.forRoot()] }).compile();
    return moduleRef.init();
  }

  it('keeps its generated VAPID keys across a restart, so subscriptions stay valid', async () => {
    const first = await boot();
    const keys = first.get(VapidKeys);
    await first.get(PushSubscriptionStore).add('bob', { endpoint: 'https://fcm.googleapis.com/fcm/send/x', p256dh: 'p', auth: 'a' }, 10);
    await first.close();

    const second = await boot();
    expect(second.get(VapidKeys)).toEqual(keys);
    expect(keys.subject).toBe('mailto:ops@example.com');
    await expect(second.get(WebPushCalleeDevices).reachable('Bob')).resolves.toBe(true);
    await second.close();
  });
});
