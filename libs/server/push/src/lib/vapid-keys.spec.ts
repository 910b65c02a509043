import { PushConfig } from '@duet/server/config';
import { Logger } from '@nestjs/common';
import { generateVAPIDKeys } from 'web-push';
import { InMemoryServerKeyStore } from '../testing/in-memory-stores';
import { PLACEHOLDER_VAPID_SUBJECT, resolveVapidKeys, VAPID_KEY_NAME } from './vapid-keys';

describe(resolveVapidKeys.name, () => {
  const push = (overrides: Partial<PushConfig> = {}): PushConfig => ({ vapid: undefined, subject: 'mailto:ops@example.com', endpointHosts: [], ...overrides });
  const quiet = () => ({ warn: jest.fn() }) as unknown as Logger & { warn: jest.Mock };

  it('generates a pair once and keeps it: a restart (or a second instance) gets the same one', async () => {
    const store = new InMemoryServerKeyStore();
    const first = await resolveVapidKeys(push(), store, quiet());
    const second = await resolveVapidKeys(push(), store, quiet());
    expect(first.publicKey).toMatch(/^[\w-]{87}$/);
    expect(second).toEqual(first);
    expect(JSON.parse(store.values.get(VAPID_KEY_NAME) ?? '')).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey });
  });

  it('uses the configured pair and subject, without touching the store', async () => {
    const store = new InMemoryServerKeyStore();
    const configured = { ...generateVAPIDKeys(), subject: 'https://duet.example.com' };
    await expect(resolveVapidKeys(push({ vapid: configured }), store, quiet())).resolves.toEqual(configured);
    expect(store.values.size).toBe(0);
  });

  it('refuses a malformed configured key at start-up, naming the variables', async () => {
    const vapid = { ...generateVAPIDKeys(), privateKey: 'too-short', subject: 'mailto:ops@example.com' };
    await expect(resolveVapidKeys(push({ vapid }), new InMemoryServerKeyStore(), quiet())).rejects.toThrow(/^Invalid PUSH_VAPID_PUBLIC_KEY \/ PUSH_VAPID_PRIVATE_KEY: /);
  });

  it('falls back to a placeholder subject, and warns once that it is one', async () => {
    const logger = quiet();
    const keys = await resolveVapidKeys(push({ subject: undefined }), new InMemoryServerKeyStore(), logger);
    expect(keys.subject).toBe(PLACEHOLDER_VAPID_SUBJECT);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/PUSH_VAPID_SUBJECT is not set.*placeholder/));
  });

  it('does not warn with a real subject', async () => {
    const logger = quiet();
    await resolveVapidKeys(push(), new InMemoryServerKeyStore(), logger);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
