import { SignJWT } from 'jose';
import type { IncomingMessage } from 'node:http';
import { OIDC_USERNAME_CLAIMS } from './built-in-authenticator';
import { JwtAuthenticator } from './jwt-authenticator';

const SECRET = 's'.repeat(32);
const sign = (claims: Record<string, unknown>, expiresIn = '1h') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(expiresIn).sign(new TextEncoder().encode(SECRET));
const upgrade = (token: string) => ({ url: '/ws', headers: { authorization: `Bearer ${token}` } }) as unknown as IncomingMessage;

describe(JwtAuthenticator.name, () => {
  const chain = new JwtAuthenticator({ secret: SECRET, usernameClaim: OIDC_USERNAME_CLAIMS });

  it('takes the first claim of the chain that holds a valid name', async () => {
    expect(await chain.authenticate(upgrade(await sign({ preferred_username: 'alice', email: 'a@x.com', sub: 'id-1' })))).toMatchObject({ username: 'alice' });
    expect(await chain.authenticate(upgrade(await sign({ preferred_username: 'Alice Smith', email: 'alice@contoso.com', sub: 'id-1' })))).toMatchObject({
      username: 'alice@contoso.com',
    });
    expect(await chain.authenticate(upgrade(await sign({ sub: '248289761001' })))).toMatchObject({ username: '248289761001' });
    expect(await chain.authenticate(upgrade(await sign({ sub: 'not valid!' })))).toBeUndefined();
  });

  it('skips an e-mail address the provider has not verified', async () => {
    expect(await chain.authenticate(upgrade(await sign({ email: 'ceo@contoso.com', email_verified: false, sub: 'id-7' })))).toMatchObject({ username: 'id-7' });
  });

  it('renews with a token verified exactly as at the upgrade', async () => {
    const identity = await chain.renew(await sign({ preferred_username: 'alice' }, '2h'));
    expect(identity?.username).toBe('alice');
    expect(identity?.expiresAt).toBeGreaterThan(Date.now() + 3_600_000);
    expect(await chain.renew(await sign({ preferred_username: 'alice' }, '-1h'))).toBeUndefined();
    expect(await chain.renew('not.a.jwt')).toBeUndefined();
  });
});
