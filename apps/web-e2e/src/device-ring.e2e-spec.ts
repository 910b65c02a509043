import { ANSWER_KEY_PARAM, ANSWER_QUERY_PARAM, PUSH_SUBSCRIPTIONS_PATH, PushPayload } from '@duet/shared/protocol';
import { PushEndpoint, ReceivedPush, startPushEndpoint, TurnServer, waitFor } from '@duet/testing/processes';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { ServerOptions } from './support/server';
import { PORTAL_SECRET, portalToken } from './support/portal-token';

const RING_TIMEOUT_MS = 30_000;

/** The decrypted payload of a push, as Duet sends it. */
const payloadOf = (push: ReceivedPush) => push.payload as PushPayload;

/** The page's address, path and query, as the person sees it. */
const address = (user: DuetUser) => {
  const url = new URL(user.page.url());
  return url.pathname + url.search;
};

/** The address a notification's Answer opens (apps/web/public/sw.js); the key is the push's capability. */
const answerPath = (callId: string, key?: string) =>
  `/?${ANSWER_QUERY_PARAM}=${encodeURIComponent(callId)}` + (key === undefined ? '' : `&${ANSWER_KEY_PARAM}=${encodeURIComponent(key)}`);

/**
 * Calling someone whose Duet is closed (issue 24), in real Chromium against the real server (JWT
 * accounts, SQLite in the server process's own temporary directory) and a local HTTPS push service that checks VAPID and
 * decrypts each push: the caller sees their devices ring; the address the notification's Answer
 * opens (`/?answer=<callId>&key=<capability>`, both from the push) picks the call up, and media
 * flows both ways. The caller knows the callId too: a link it crafts only rings.
 * Relay only, through a real coturn: the callee learns the caller's relay address only from the
 * candidates the caller sends again once the ring is picked up (the kept offer carries none).
 */
describe('a call to someone offline rings their devices', () => {
  let push: PushEndpoint;
  let turn: TurnServer;
  const options: ServerOptions & { env: Record<string, string> } = { env: {} };
  // Declared before browserSuite's hooks: the push service runs before the server starts.
  beforeAll(async () => {
    push = await startPushEndpoint();
    turn = await TurnServer.launch();
    Object.assign(options.env, {
      ICE_SERVERS: JSON.stringify([turn.credentials()]),
      ICE_TRANSPORT_POLICY: 'relay',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: PORTAL_SECRET,
      PUSH_ENDPOINT_HOSTS: push.host,
      NODE_EXTRA_CA_CERTS: push.caFile,
      RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
    });
  });
  const suite = browserSuite(options);
  afterAll(async () => {
    await push?.close();
    await turn?.stop();
  });

  /** Subscribes a test push subscription for `name`, as the app's "ring this browser" switch does. */
  async function subscribe(name: string): Promise<string> {
    const subscription = push.subscription();
    const response = await fetch(`${suite.server.baseUrl}${PUSH_SUBSCRIPTIONS_PATH}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await portalToken(name)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(subscription.json),
    });
    expect(response.ok).toBe(true);
    return subscription.id;
  }

  /** Opens Duet at `path` as a portal would, with `name`'s token in the fragment. */
  async function openFromPortal(name: string, path = '/'): Promise<DuetUser> {
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, name, `${path}#access_token=${await portalToken(name)}`);
    suite.open.push(user);
    return user;
  }

  /** Opens Duet as `name`; resolves once the lobby shows them signed in. */
  async function openSignedIn(name: string): Promise<DuetUser> {
    const user = await openFromPortal(name);
    await user.page.getByTestId('current-user').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    await user.recordStatuses();
    return user;
  }

  it('says the devices ring; the Answer address picks the call up without a click, and frames flow both ways', async () => {
    await subscribe('ring-bob');
    const alice = await openSignedIn('ring-alice');
    await alice.waitForReceived((message) => message['type'] === 'login' && message['iceTransportPolicy'] === 'relay');
    await alice.callByName('ring-bob');
    const status = alice.page.getByTestId('call-status');
    await status.filter({ hasText: 'Ringing ring-bob’s devices…' }).waitFor();
    expect(await status.getAttribute('data-state')).toBe('calling');
    await alice.page.getByTestId('ringing-devices').waitFor();

    const ring = payloadOf(await push.waitForPush((each) => payloadOf(each).kind === 'ring'));
    if (ring.kind !== 'ring') throw new Error('not a ring');
    expect(ring.caller).toBe('ring-alice');

    // What the notification's Answer opens (the service worker's part is the push specs'). The call
    // may be on before the lobby ever shows, so bob is watched on the call status alone.
    const bob = await openFromPortal('ring-bob', answerPath(ring.callId, ring.capability));
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    const [seenByAlice, seenByBob] = await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
    await Promise.all([alice.waitForFramesBeyond(seenByAlice.frames), bob.waitForFramesBeyond(seenByBob.frames)]);
    expect(await bob.page.getByTestId('accept-button').count()).toBe(0);
    // On the first negotiation: no ICE restart had to make up for candidates that never came.
    expect([alice.offersSent(), bob.offersSent()]).toEqual([1, 0]);
    expect(address(bob)).toBe('/');
    // Bob's other devices are told the call stopped ringing (their notification closes), not missed.
    const ended = await push.waitForPush((each) => payloadOf(each).kind === 'ring-ended' && payloadOf(each).callId === ring.callId);
    expect(payloadOf(ended)).toMatchObject({ kind: 'ring-ended', missed: false });
  }, 60_000);

  it.each([
    ['no key', 'dan', undefined],
    ['a made-up key', 'erin', 'a-key-the-caller-made-up'],
  ])("a link the caller crafts from the ring's id (%s) only rings: nothing is sent until the callee accepts", async (_, callee, key) => {
    await subscribe(`ring-${callee}`);
    const alice = await openSignedIn(`ring-alice-${callee}`);
    await alice.callByName(`ring-${callee}`);
    await alice.waitForReceived((message) => message['type'] === 'ringing' && message['devices'] === true);
    const ringId = alice.received.map(({ message }) => message).find((message) => message['type'] === 'ringing')?.['callId'];
    if (typeof ringId !== 'string') throw new Error('no ring id');

    // The caller sends the callee the Answer address of its own ring: the id it was told.
    const bob = await openFromPortal(`ring-${callee}`, answerPath(ringId, key));
    await bob.page.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
    expect(await bob.page.getByTestId('call-status').getAttribute('data-state')).toBe('ringing');
    // The page has checked the key (it logs so) and dropped the address: the call still rings.
    await waitFor(() => bob.consoleLog().includes('without its key'), 10_000, () => `no key check in:\n${bob.consoleLog()}`);
    await waitFor(() => address(bob) === '/', 5_000, () => `the address kept the parameters: ${bob.page.url()}`);
    expect(await bob.status()).toBe('ringing');
    expect(bob.sentTypes).not.toContain('answer');
    expect((await alice.remoteVideo()).frames).toBe(0);
    expect(await alice.status()).toBe('calling');

    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
  }, 60_000);

  it('says so when none of their devices could be rung', async () => {
    push.answerWith(await subscribe('ring-carol'), 410);
    const alice = await openSignedIn('ring-alice-2');
    await alice.callByName('ring-carol');
    await alice.page.getByTestId('error-message').filter({ hasText: 'ring-carol is offline and none of their devices could be rung.' }).waitFor();
    await alice.waitForStatus('idle');
  }, 60_000);
});
