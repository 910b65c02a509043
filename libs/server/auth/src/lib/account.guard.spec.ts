import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { AccountGuard } from './account.guard';
import { ConnectionAuthenticator, Identity } from './connection-authenticator';

class Fixed extends ConnectionAuthenticator {
  constructor(private readonly identity: Identity | undefined) {
    super();
  }
  async authenticate(): Promise<Identity | undefined> {
    return this.identity;
  }
}

const context = (request: object) => ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

describe(AccountGuard.name, () => {
  it('lets a member through, naming their account', async () => {
    const request: { duetAccount?: string } = {};
    expect(await new AccountGuard(new Fixed({ username: 'alice' })).canActivate(context(request))).toBe(true);
    expect(request.duetAccount).toBe('alice');
  });

  it('refuses nobody-in-particular and expired credentials with 401', async () => {
    await expect(new AccountGuard(new Fixed(undefined)).canActivate(context({}))).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(new AccountGuard(new Fixed({})).canActivate(context({}))).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(new AccountGuard(new Fixed({ username: 'alice', expiresAt: Date.now() - 1 })).canActivate(context({}))).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it('refuses a guest with 403: signed in, but without an account', async () => {
    const guest = new Fixed({ username: 'guest:alice:Dana', guest: { inviteId: 'i', inviter: 'alice' } });
    await expect(new AccountGuard(guest).canActivate(context({}))).rejects.toBeInstanceOf(ForbiddenException);
  });
});
