import { guestUsername } from '@duet/shared/protocol';
import { SignJWT, UnsecuredJWT } from 'jose';
import { GUEST_TOKEN_TYPE, INVITE_TOKEN_TYPE, inviteExpiry, InviteTokens, isGuestToken } from './invite-tokens';

const key = new TextEncoder().encode('the-invite-key-of-this-test-server-0123');
const otherKey = new TextEncoder().encode('somebody-else-s-key-of-the-same-length-0');
const inHour = () => inviteExpiry(Date.now(), 1);
const invite = () => ({ inviteId: 'invite-1', inviter: 'alice', expiresAt: inHour() });
const guest = () => ({ ...invite(), username: guestUsername('alice', 'Dana <b>') });
const now = () => Math.floor(Date.now() / 1_000);

describe(InviteTokens.name, () => {
  const tokens = new InviteTokens(key);

  it('verifies its own invite and guest tokens, claims intact', async () => {
    const claims = invite();
    expect(await tokens.verifyInvite(await tokens.issueInvite(claims))).toEqual({ ok: true, claims });
    const guestClaims = guest();
    const token = await tokens.issueGuest(guestClaims);
    expect(await tokens.verifyGuest(token)).toEqual({ ok: true, claims: guestClaims });
    expect(isGuestToken(token)).toBe(true);
  });

  it('calls a token signed with another key forged', async () => {
    const forged = await new InviteTokens(otherKey).issueInvite(invite());
    expect(await tokens.verifyInvite(forged)).toEqual({ ok: false, problem: 'forged' });
    expect(await tokens.verifyGuest(await new InviteTokens(otherKey).issueGuest(guest()))).toEqual({ ok: false, problem: 'forged' });
  });

  it('never takes a guest token for an invite, nor an invite for a guest token', async () => {
    expect(await tokens.verifyInvite(await tokens.issueGuest(guest()))).toEqual({ ok: false, problem: 'forged' });
    const inviteToken = await tokens.issueInvite(invite());
    expect(await tokens.verifyGuest(inviteToken)).toEqual({ ok: false, problem: 'forged' });
    expect(isGuestToken(inviteToken)).toBe(false);
  });

  it('refuses alg none, other algorithms, and a token without exp', async () => {
    const unsigned = new UnsecuredJWT({ inv: 'invite-1', inviter: 'alice' }).setExpirationTime(now() + 60).encode();
    expect(await tokens.verifyInvite(unsigned)).toEqual({ ok: false, problem: 'forged' });
    const hs512 = await new SignJWT({ inv: 'invite-1', inviter: 'alice' }).setProtectedHeader({ alg: 'HS512', typ: INVITE_TOKEN_TYPE }).setExpirationTime(now() + 60).sign(key);
    expect(await tokens.verifyInvite(hs512)).toEqual({ ok: false, problem: 'forged' });
    const noExp = await new SignJWT({ inv: 'invite-1', inviter: 'alice' }).setProtectedHeader({ alg: 'HS256', typ: INVITE_TOKEN_TYPE }).sign(key);
    expect(await tokens.verifyInvite(noExp)).toEqual({ ok: false, problem: 'forged' });
  });

  it('calls an expired token expired, and a forged expired one forged', async () => {
    const past = { ...invite(), expiresAt: (now() - 60) * 1_000 };
    expect(await tokens.verifyInvite(await tokens.issueInvite(past))).toEqual({ ok: false, problem: 'expired' });
    expect(await tokens.verifyGuest(await tokens.issueGuest({ ...guest(), expiresAt: past.expiresAt }))).toEqual({ ok: false, problem: 'expired' });
    expect(await tokens.verifyInvite(await new InviteTokens(otherKey).issueInvite(past))).toEqual({ ok: false, problem: 'forged' });
  });

  it('calls what is not a JWS malformed', async () => {
    for (const junk of ['', 'not-a-token', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9']) {
      expect(await tokens.verifyInvite(junk)).toEqual({ ok: false, problem: 'malformed' });
    }
    // A readable header with a signature of nothing this server made: not ours.
    expect(await tokens.verifyInvite(`${Buffer.from('{"alg":"HS256"}').toString('base64url')}.bm9wZQ.c2ln`)).toEqual({ ok: false, problem: 'forged' });
    expect(isGuestToken('not-a-token')).toBe(false);
  });

  it('refuses a member’s JWT (sub, no typ) signed with the very same key, and a member authenticator finds no sub in ours', async () => {
    const member = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(now() + 60).sign(key);
    expect(await tokens.verifyInvite(member)).toEqual({ ok: false, problem: 'forged' });
    expect(await tokens.verifyGuest(member)).toEqual({ ok: false, problem: 'forged' });
    expect(isGuestToken(member)).toBe(false);
    const payload = JSON.parse(Buffer.from((await tokens.issueGuest(guest())).split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload['sub']).toBeUndefined();
  });

  it('refuses a guest token whose name is not a guest of its inviter', async () => {
    const stolen = await new SignJWT({ inv: 'invite-1', inviter: 'alice', name: 'bob' }).setProtectedHeader({ alg: 'HS256', typ: GUEST_TOKEN_TYPE }).setExpirationTime(now() + 60).sign(key);
    expect(await tokens.verifyGuest(stolen)).toEqual({ ok: false, problem: 'forged' });
    const otherInviter = await tokens.issueGuest({ ...guest(), username: guestUsername('carol', 'Dana') });
    expect(await tokens.verifyGuest(otherInviter)).toEqual({ ok: false, problem: 'forged' });
  });

  it('ends an invite on a whole second, never before its time', () => {
    expect(inviteExpiry(1_000_400, 0.0005)).toBe(1_003_000);
    expect(inviteExpiry(0, 24)).toBe(86_400_000);
  });
});
