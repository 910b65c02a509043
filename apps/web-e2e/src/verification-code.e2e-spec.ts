import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { SignalingMitm, forgeFingerprints } from './support/signaling-mitm';

async function shownCode(user: DuetUser, timeout = 10_000): Promise<string> {
  const code = user.page.getByTestId('verification-code');
  await code.waitFor({ timeout });
  return (await code.textContent())?.trim() ?? '';
}

/** The verification code between two real Chromium users, with and without a middleman in signaling. */
describe('verification code in real Chromium', () => {
  const suite = browserSuite();

  it('shows both people the same six-digit code', async () => {
    const users = await inCall(suite.browser, suite.server.baseUrl, ['alice-v1', 'bob-v1']);
    suite.open.push(...users);
    const [alice, bob] = await Promise.all(users.map((user) => shownCode(user)));
    expect(alice).toMatch(/^\d{3} \d{3}$/);
    expect(bob).toBe(alice);
  }, 60_000);

  it('a signaling relay that swaps the caller’s fingerprint makes the codes differ or the call fail', async () => {
    let forged = 0;
    const mitm = await SignalingMitm.start(suite.server.port, (message) => {
      const offer = message['offer'] as { type: string; sdp: string } | undefined;
      if (message['type'] !== 'offer' || !offer || forged > 0) return message;
      forged += 1;
      return { ...message, offer: { ...offer, sdp: forgeFingerprints(offer.sdp) } };
    });
    try {
      // Bob's page (and only his) goes through the middleman; alice talks to the server directly.
      const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'alice-v2');
      const bob = await DuetUser.logIn(suite.browser, mitm.baseUrl, 'bob-v2');
      suite.open.push(alice, bob);
      await alice.callByName(bob.name);
      await bob.accept();
      // Either DTLS refuses the forged certificate (the call ends) or both connect with different codes.
      const outcome = await Promise.race([
        Promise.all([shownCode(alice, 45_000), shownCode(bob, 45_000)]).then(([a, b]) => ({ kind: 'codes' as const, a, b })),
        alice.waitForStatus('ended', 45_000).then(() => ({ kind: 'ended' as const })),
        bob.waitForStatus('ended', 45_000).then(() => ({ kind: 'ended' as const })),
      ]);
      expect(forged).toBe(1);
      console.log(`verification-code MITM outcome: ${JSON.stringify(outcome)}; bob's states: ${(await bob.statusHistory()).join(' -> ')}`);
      if (outcome.kind === 'codes') expect(outcome.a).not.toBe(outcome.b);
      else expect(await bob.page.getByTestId('verification-code').count()).toBe(0);
    } finally {
      await Promise.all(suite.open.splice(0).map((user) => user.close().catch(() => undefined)));
      await mitm.close();
    }
  }, 90_000);
});
