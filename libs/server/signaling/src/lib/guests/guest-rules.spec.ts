import { Identity } from '@duet/server/auth';
import { loadConfig } from '@duet/server/config';
import { ConfiguredIceServerIssuer } from '@duet/server/ice';
import { CloseCode, guestUsername } from '@duet/shared/protocol';
import { fakeSession } from '../../testing/fake-session';
import { InspectableRegistry } from '../../testing/inspectable-registry';
import { signalingService, signalingWithAccounts } from '../../testing/signaling-service';
import { PresenceService } from '../presence.service';
import { ResumeService } from '../resume.service';
import { LocalRingTimer } from '../ring-timer';
import { SignalingOptions } from '../signaling-options';
import { SignalingService } from '../signaling.service';
import { GuestSessions } from './guest-sessions';

type Client = ReturnType<typeof fakeSession>;

const OFFER = { type: 'offer', sdp: 'v=0' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0' } as const;
const BOB = guestUsername('alice', 'Bob: the plumber');

/** What a guest token gives (the guest authenticator's identity). */
function guestIdentity(username: string, inviteId = 'invite-1'): Identity {
  const inviter = username.split(':')[1];
  return { username, guest: { inviteId, inviter } };
}

describe('guest rules in signaling', () => {
  const options: SignalingOptions = {
    presenceLimit: 10,
    trustProxy: { mode: 'off' },
    publicOrigin: undefined,
    allowedOrigins: undefined,
    limits: { ...loadConfig({}).limits, ringTimeoutMs: 1_000, resumeWindowMs: 1_000 },
    maxGuests: 2,
  };
  let registry: InspectableRegistry;
  let resumption: ResumeService;
  let rings: LocalRingTimer;
  let service: SignalingService;
  let guests: GuestSessions;

  beforeEach(() => {
    registry = new InspectableRegistry();
    const presence = new PresenceService(registry, options);
    resumption = new ResumeService(registry, presence, options);
    const ice = new ConfiguredIceServerIssuer({ servers: [], turn: undefined, transportPolicy: 'all' });
    rings = new LocalRingTimer(options);
    ({ service, guests } = signalingService({ registry, presence, resumption, ice, options, rings }));
  });
  afterEach(() => {
    rings.onModuleDestroy();
    resumption.onModuleDestroy();
    expect(registry.violations()).toEqual([]);
  });

  async function member(username: string): Promise<Client> {
    const client = fakeSession({ username });
    await service.login(client.session, { type: 'login', username });
    return client;
  }

  async function guest(username: string, { inviteId = 'invite-1', resume = false } = {}): Promise<Client> {
    const client = fakeSession(guestIdentity(username, inviteId));
    await service.login(client.session, { type: 'login', ...(resume && { resume }) });
    return client;
  }

  const loginOf = (client: Client) => client.sent.find((message) => message.type === 'login');
  const clear = (...clients: Client[]) => clients.forEach((client) => (client.sent.length = 0));
  /** The gateway's part when the socket closes cleanly. */
  const closes = (client: Client) => service.disconnect(client.session, { dropped: false });

  describe('login', () => {
    it('lets a guest in under its own name, with no list of who is online: only whether its inviter is', async () => {
      const bob = await guest(BOB);
      expect(loginOf(bob)).toMatchObject({ success: true, username: BOB });
      expect(bob.sent.slice(1)).toEqual([{ type: 'presence', username: 'alice', online: false }]);
      expect(guests.online).toBe(1);
    });

    it('refuses a guest another name than its own', async () => {
      const client = fakeSession(guestIdentity(BOB));
      await service.login(client.session, { type: 'login', username: guestUsername('alice', 'Eve') });
      expect(client.sent).toEqual([{ type: 'login', success: false, reason: 'forbidden', message: expect.any(String) }]);
      expect(guests.online).toBe(0);
    });

    it.each([
      ['an anonymous login', {}],
      ["an embedder's authenticator", { username: BOB }],
    ])('refuses a name in the guest namespace to %s', async (_, identity: Identity) => {
      const client = fakeSession(identity);
      await service.login(client.session, { type: 'login', username: BOB.toUpperCase() });
      expect(client.sent).toEqual([{ type: 'login', success: false, reason: 'forbidden', message: expect.stringContaining('guest:') }]);
      expect(await registry.find(BOB)).toBeUndefined();
    });

    it('refuses guests beyond MAX_GUESTS on the instance, and lets one in again once one left', async () => {
      const first = await guest(guestUsername('alice', 'One'));
      await guest(guestUsername('carol', 'Two'), { inviteId: 'invite-2' });
      const third = await guest(guestUsername('alice', 'Three'));
      expect(third.sent).toEqual([{ type: 'login', success: false, reason: 'unavailable', message: 'too many guests on this server; try again later' }]);
      await closes(first);
      expect(guests.online).toBe(1);
      const fourth = await guest(guestUsername('alice', 'Three'));
      expect(loginOf(fourth)).toMatchObject({ success: true });
    });

    it('counts a resumed guest once: the session it took over is no longer counted', async () => {
      const bob = await guest(BOB, { resume: true });
      const { resumeToken } = loginOf(bob) as { resumeToken: string };
      await service.disconnect(bob.session, { dropped: true });
      const again = fakeSession(guestIdentity(BOB));
      await service.login(again.session, { type: 'login', resumeToken });
      expect(loginOf(again)).toMatchObject({ success: true, resumed: true });
      // No list on resume either: the inviter's presence again.
      expect(again.sent.slice(1)).toEqual([{ type: 'presence', username: 'alice', online: false }]);
      expect(guests.online).toBe(1);
      await closes(again);
      expect(guests.online).toBe(0);
    });
  });

  describe('presence', () => {
    it('keeps guests out of members\' lists and presence, and members\' presence from guests', async () => {
      const alice = await member('alice');
      const carol = await member('carol');
      clear(alice, carol);
      const bob = await guest(BOB);
      expect(carol.sent).toEqual([]);
      expect(alice.sent).toEqual([{ type: 'guest', username: BOB, online: true }]);
      const dan = await member('dan');
      const users = dan.sent.find((message) => message.type === 'users');
      // `total` counts the guest: the list is a bounded sample anyway.
      expect(users).toEqual({ type: 'users', users: ['alice', 'carol', 'dan'], total: 4, truncated: false });
      clear(alice, carol, dan);
      // Members' calls and departures are not the guest's to know.
      await service.offer(carol.session, { type: 'offer', offer: OFFER, otherUsername: 'dan' });
      await closes(dan);
      expect(bob.sent.filter((message) => message.type !== 'login')).toEqual([{ type: 'presence', username: 'alice', online: true }]);
      clear(alice, carol);
      // Nor is the guest's call, or its departure, the members' (that alice is busy is).
      await service.offer(bob.session, { type: 'offer', offer: OFFER, otherUsername: 'alice' });
      await closes(bob);
      expect(carol.sent).toEqual([
        { type: 'presence', username: 'alice', online: true, busy: true },
        { type: 'presence', username: 'alice', online: true, busy: false },
      ]);
      expect(alice.sent.filter((message) => message.type === 'presence')).toEqual([]);
    });

    it('tells the inviter its guests come and go, and the guest its inviter', async () => {
      const bob = await guest(BOB);
      const other = await guest(guestUsername('alicia', 'Eve'), { inviteId: 'invite-2' });
      clear(bob, other);
      const alice = await member('Alice');
      expect(alice.sent.filter((message) => message.type === 'guest')).toEqual([{ type: 'guest', username: BOB, online: true }]);
      expect(bob.sent).toEqual([{ type: 'presence', username: 'Alice', online: true }]);
      expect(other.sent).toEqual([]);
      clear(alice, bob);
      await closes(alice);
      expect(bob.sent).toEqual([{ type: 'presence', username: 'Alice', online: false }]);
      const again = await member('alice');
      clear(again);
      await closes(bob);
      expect(again.sent).toEqual([{ type: 'guest', username: BOB, online: false }]);
    });

    it('answers a guest\'s search with forbidden, and finds no guest for a member', async () => {
      const bob = await guest(BOB);
      const alice = await member('alice');
      clear(bob, alice);
      await service.search(bob.session, { type: 'search', prefix: 'a' });
      expect(bob.sent).toEqual([{ type: 'error', code: 'forbidden', message: expect.any(String), replyTo: 'search' }]);
      await service.search(alice.session, { type: 'search', prefix: 'g' });
      expect(alice.sent).toEqual([{ type: 'search', prefix: 'g', users: [], more: false }]);
    });
  });

  describe('calls', () => {
    let alice: Client;
    let carol: Client;
    let bob: Client;

    beforeEach(async () => {
      alice = await member('alice');
      carol = await member('carol');
      bob = await guest(BOB);
      clear(alice, carol, bob);
    });

    it.each([
      ['a guest calling a member who did not invite them', () => bob, 'carol', () => carol],
      ['a member calling a guest they did not invite', () => carol, BOB, () => bob],
    ])('refuses %s, and the callee hears nothing', async (_, caller, callee, callees) => {
      await service.offer(caller().session, { type: 'offer', offer: OFFER, otherUsername: callee });
      expect(caller().sent).toEqual([{ type: 'error', code: 'forbidden', message: expect.stringMatching(/guest/), replyTo: 'offer' }]);
      expect(callees().sent).toEqual([]);
      expect(await registry.callOf(caller().session.username ?? '')).toBeUndefined();
    });

    it('refuses a guest calling an offline member as forbidden, not offline: nothing rings', async () => {
      await service.offer(bob.session, { type: 'offer', offer: OFFER, otherUsername: 'dan' });
      expect(bob.sent).toEqual([{ type: 'error', code: 'forbidden', message: expect.any(String), replyTo: 'offer' }]);
    });

    it.each([
      ['the guest calls its inviter', () => bob, () => alice],
      ['the inviter calls its guest', () => alice, () => bob],
    ])('relays the call when %s', async (_, caller, callee) => {
      const from = caller().session.username as string;
      const to = callee().session.username as string;
      await service.offer(caller().session, { type: 'offer', offer: OFFER, otherUsername: to });
      expect(callee().sent).toEqual([{ type: 'offer', offer: OFFER, username: from, callId: expect.any(String) }]);
      await service.answer(callee().session, { type: 'answer', answer: ANSWER, otherUsername: from });
      expect(caller().sent).toContainEqual({ type: 'answer', answer: ANSWER, username: to, callId: expect.any(String) });
      // Carol hears only that alice is busy: never of the guest.
      expect(carol.sent).toEqual([{ type: 'presence', username: 'alice', online: true, busy: true }]);
    });
  });

  describe('revocation', () => {
    it('closes the guest with 4403; the close ends the session, and the inviter hears the guest left', async () => {
      const alice = await member('alice');
      const bob = await guest(BOB);
      const other = await guest(guestUsername('alice', 'Dan'), { inviteId: 'invite-2' });
      clear(alice);
      guests.endInvite('invite-1');
      expect(bob.socket.close).toHaveBeenCalledWith(CloseCode.accessRevoked, 'invite revoked');
      expect(other.socket.close).not.toHaveBeenCalled();
      await closes(bob);
      expect(await registry.find(BOB)).toBeUndefined();
      expect(alice.sent).toEqual([{ type: 'guest', username: BOB, online: false }]);
      expect(guests.online).toBe(1);
    });

    it('ends a guest held for a resume at once', async () => {
      const alice = await member('alice');
      const bob = await guest(BOB, { resume: true });
      await service.disconnect(bob.session, { dropped: true });
      clear(alice);
      guests.endInvite('invite-1');
      await new Promise<void>((resolve) => setImmediate(resolve));
      await expect(registry.find(BOB)).resolves.toBeUndefined();
      expect(alice.sent).toEqual([{ type: 'guest', username: BOB, online: false }]);
      expect(guests.online).toBe(0);
    });
  });
});

describe('guests and accounts', () => {
  it('rings no device of an offline guest, and pushes no missed call to one', async () => {
    const { service, devices, destroy } = signalingWithAccounts(50);
    try {
      const alice = fakeSession({ username: 'alice' });
      await service.login(alice.session, { type: 'login' });
      devices.subscribe(BOB);
      await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: BOB });
      expect(alice.sent.at(-1)).toEqual({ type: 'error', code: 'user-offline', message: expect.any(String), replyTo: 'offer' });
      const bob = fakeSession(guestIdentity(BOB));
      await service.login(bob.session, { type: 'login' });
      await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: BOB });
      await service.close(alice.session, { type: 'close', otherUsername: BOB });
      expect(devices.pushes).toEqual([]);
    } finally {
      destroy();
    }
  });
});

