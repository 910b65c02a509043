import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { fakeSession } from '../testing/fake-session';
import { CredentialsService } from './credentials.service';
import { NoSignalingMetrics } from './signaling-metrics';

/** Verifies a token by looking it up: each test says which tokens are good, and for whom. */
class TableAuthenticator extends ConnectionAuthenticator {
  constructor(private readonly tokens: Record<string, Identity>) {
    super();
  }
  async authenticate(): Promise<Identity | undefined> {
    return undefined;
  }
  override async renew(token: string): Promise<Identity | undefined> {
    return this.tokens[token];
  }
}

describe(CredentialsService.name, () => {
  const HOUR = 3_600_000;
  function loggedIn(authenticator: ConnectionAuthenticator) {
    const client = fakeSession({ username: 'Alice', expiresAt: Date.now() + 60_000 });
    client.session.username = 'Alice';
    const expired = jest.fn();
    client.session.endWhenCredentialsExpire(expired);
    return { ...client, service: new CredentialsService(authenticator, new NoSignalingMetrics()) };
  }
  afterEach(() => jest.useRealTimers());

  it('takes a valid token of the same user and moves the connection\'s end to its expiry', async () => {
    const later = Date.now() + HOUR;
    const { session, sent, service } = loggedIn(new TableAuthenticator({ fresh: { username: 'alice', expiresAt: later } }));
    await service.renew(session, { type: 'token', token: 'fresh' });
    expect(sent).toEqual([{ type: 'token', success: true, expiresAt: later }]);
    expect(session.identity).toEqual({ username: 'Alice', expiresAt: later });
    session.dispose();
  });

  it('refuses a token that does not verify, or names another user, and keeps the old expiry', async () => {
    const authenticator = new TableAuthenticator({ bobs: { username: 'bob', expiresAt: Date.now() + HOUR } });
    const { session, sent, service } = loggedIn(authenticator);
    const before = session.identity;
    await service.renew(session, { type: 'token', token: 'forged' });
    await service.renew(session, { type: 'token', token: 'bobs' });
    expect(sent).toEqual([
      { type: 'token', success: false, reason: 'invalid', message: 'the token is not valid (forged, for another application, or expired)' },
      { type: 'token', success: false, reason: 'forbidden', message: "the token is not Alice's; this connection stays Alice's" },
    ]);
    expect(session.identity).toBe(before);
    session.dispose();
  });

  it('answers unsupported when the authenticator cannot renew in-band', async () => {
    const anonymousOnly = new (class extends ConnectionAuthenticator {
      async authenticate(): Promise<Identity> {
        return {};
      }
    })();
    const { session, sent, service } = loggedIn(anonymousOnly);
    await service.renew(session, { type: 'token', token: 'anything' });
    expect(sent).toEqual([{ type: 'token', success: false, reason: 'unsupported', message: expect.stringContaining('reconnect') }]);
    session.dispose();
  });

  it('asks for a login first', async () => {
    const { session, sent } = fakeSession();
    await new CredentialsService(new TableAuthenticator({}), new NoSignalingMetrics()).renew(session, { type: 'token', token: 't' });
    expect(sent).toEqual([{ type: 'error', code: 'not-logged-in', message: 'log in first', replyTo: 'token' }]);
  });
});
