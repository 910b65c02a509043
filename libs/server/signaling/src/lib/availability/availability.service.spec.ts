import { guestUsername } from '@duet/shared/protocol';
import { fakeSession } from '../../testing/fake-session';
import { signalingWithAccounts } from '../../testing/signaling-service';
import { AvailabilityService } from './availability.service';

type Client = ReturnType<typeof fakeSession>;

const OFFER = { type: 'offer', sdp: 'v=0' } as const;
const GUEST = guestUsername('alice', 'Gina');

describe(AvailabilityService.name, () => {
  let signaling: ReturnType<typeof signalingWithAccounts>;
  let alice: Client;
  let bob: Client;

  beforeEach(async () => {
    signaling = signalingWithAccounts(1_000);
    alice = await loggedIn('alice');
    bob = await loggedIn('Bob');
  });
  afterEach(() => signaling.destroy());

  async function loggedIn(username: string, guest = false): Promise<Client> {
    const client = fakeSession(guest ? { username, guest: { inviteId: 'i1', inviter: 'alice' } } : {});
    await signaling.service.login(client.session, { type: 'login', username });
    client.sent.length = 0;
    return client;
  }

  it('answers the sender and tells the other members, but not guests', async () => {
    const guest = await loggedIn(GUEST, true);
    [alice, bob].forEach((client) => (client.sent.length = 0));
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'dnd' });
    expect(bob.sent).toEqual([{ type: 'availability', availability: 'dnd' }]);
    expect(alice.sent).toEqual([{ type: 'presence', username: 'Bob', online: true, availability: 'dnd' }]);
    expect(guest.sent).toEqual([]);
  });

  it('refuses a guest, and a session not logged in', async () => {
    const guest = await loggedIn(GUEST, true);
    alice.sent.length = 0;
    await signaling.availability.set(guest.session, { type: 'availability', availability: 'dnd' });
    expect(guest.sent).toEqual([expect.objectContaining({ type: 'error', code: 'forbidden', replyTo: 'availability' })]);
    const stranger = fakeSession();
    await signaling.availability.set(stranger.session, { type: 'availability', availability: 'busy' });
    expect(stranger.sent).toEqual([expect.objectContaining({ type: 'error', code: 'not-logged-in', replyTo: 'availability' })]);
    expect(alice.sent).toEqual([]);
    expect(await signaling.registry.availabilityAmong([GUEST])).toEqual([]);
  });

  it('lists who is busy or on do-not-disturb in users and search', async () => {
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'busy' });
    await signaling.availability.set(alice.session, { type: 'availability', availability: 'dnd' });
    const carol = fakeSession();
    await signaling.service.login(carol.session, { type: 'login', username: 'carol' });
    expect(carol.sent.find((message) => message.type === 'users')).toEqual(
      expect.objectContaining({ statuses: [{ username: 'alice', availability: 'dnd' }, { username: 'Bob', availability: 'busy' }] }),
    );
    carol.sent.length = 0;
    await signaling.service.search(carol.session, { type: 'search', prefix: 'b' });
    expect(carol.sent).toEqual([{ type: 'search', prefix: 'b', users: ['Bob'], more: false, statuses: [{ username: 'Bob', availability: 'busy' }] }]);
    await signaling.service.search(carol.session, { type: 'search', prefix: 'c' });
    expect(carol.sent[1]).not.toHaveProperty('statuses');
  });

  it('declines a call to a callee on do-not-disturb for them: the callee hears nothing, both histories have it', async () => {
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'dnd' });
    [alice, bob].forEach((client) => (client.sent.length = 0));
    await signaling.service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(alice.sent).toEqual([{ type: 'decline', username: 'Bob', reason: 'dnd' }]);
    expect(bob.sent).toEqual([]);
    expect(signaling.journal.entries).toEqual([['declinedByDnd', 'alice', 'Bob']]);
    expect(signaling.devices.pushes).toEqual([]);
    expect(await signaling.registry.callOf('alice')).toBeUndefined();
  });

  it('lets calls through to a busy callee, and again once do-not-disturb is over', async () => {
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'busy' });
    bob.sent.length = 0;
    await signaling.service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(bob.sent).toEqual([expect.objectContaining({ type: 'offer', username: 'alice' })]);
    await signaling.service.close(alice.session, { type: 'close', otherUsername: 'bob' });
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'dnd' });
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'available' });
    bob.sent.length = 0;
    await signaling.service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(bob.sent).toEqual([expect.objectContaining({ type: 'offer', username: 'alice' })]);
  });

  it('forgets it when the user logs out', async () => {
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'dnd' });
    await signaling.service.disconnect(bob.session, { dropped: false });
    const again = await loggedIn('bob');
    await signaling.service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(again.sent).toEqual([expect.objectContaining({ type: 'offer', username: 'alice' })]);
  });

  it('tells nobody past the presence limit, as with joins and leaves', async () => {
    const others: Client[] = [];
    // signalingWithAccounts allows 10 online before presence stops: alice, Bob and 9 more.
    for (let n = 0; n < 9; n++) others.push(await loggedIn(`user${n}`));
    [alice, bob, ...others].forEach((client) => (client.sent.length = 0));
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'busy' });
    expect(bob.sent).toEqual([{ type: 'availability', availability: 'busy' }]);
    expect([alice, ...others].flatMap((client) => client.sent)).toEqual([]);
    expect(await signaling.registry.availabilityAmong(['bob'])).toEqual([{ username: 'bob', availability: 'busy' }]);
  });

  it('declines a guest calling its inviter on do-not-disturb, and a guest calling anyone else is forbidden first', async () => {
    const guest = await loggedIn(GUEST, true);
    await signaling.availability.set(alice.session, { type: 'availability', availability: 'dnd' });
    await signaling.availability.set(bob.session, { type: 'availability', availability: 'dnd' });
    await signaling.service.offer(guest.session, { type: 'offer', offer: OFFER, otherUsername: 'alice' });
    await signaling.service.offer(guest.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(guest.sent).toEqual([
      { type: 'decline', username: 'alice', reason: 'dnd' },
      expect.objectContaining({ type: 'error', code: 'forbidden', replyTo: 'offer' }),
    ]);
  });
});
