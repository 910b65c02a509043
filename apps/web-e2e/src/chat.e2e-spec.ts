import { TurnServer } from '@duet/testing/processes';
import { Page } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { inCall } from './support/in-call';
import { startServer } from './support/server';

async function openChat(page: Page): Promise<void> {
  await page.getByTestId('chat-button').click();
  await page.getByTestId('chat-input').waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.locator('[data-testid="chat-send"]:not([disabled])').click();
}

function messages(page: Page): Promise<string[]> {
  return page.getByTestId('chat-message').allTextContents();
}

/** Text chat over the call's data channel between two real Chromium users. */
describe('chat in real Chromium', () => {
  const suite = browserSuite();

  it('carries messages both ways, with sender, time and an unread badge while the panel is closed', async () => {
    const [alice, bob] = await inCall(suite.browser, suite.server.baseUrl, ['alice-t1', 'bob-t1']);
    suite.open.push(alice, bob);
    await openChat(alice.page);
    await say(alice.page, 'hello bob');

    // Bob's panel is closed: the message waits behind a badge.
    const badge = bob.page.getByTestId('chat-unread');
    await badge.waitFor({ timeout: 10_000 });
    expect(await badge.textContent()).toBe('1');
    await openChat(bob.page);
    await bob.page.getByTestId('chat-message').filter({ hasText: 'hello bob' }).waitFor();
    expect(await badge.count()).toBe(0);
    const [received] = await messages(bob.page);
    expect(received).toContain(alice.name);
    expect(received).toMatch(/\d{1,2}:\d{2}/);

    await say(bob.page, 'hi alice');
    await alice.page.getByTestId('chat-message').filter({ hasText: 'hi alice' }).waitFor({ timeout: 10_000 });
    expect(await messages(alice.page)).toEqual([expect.stringContaining('hello bob'), expect.stringContaining('hi alice')]);
    expect((await messages(alice.page))[1]).toContain(bob.name);
    // The panel is open on alice's side: nothing unread.
    expect(await alice.page.getByTestId('chat-unread').count()).toBe(0);

    // Closing and reopening the panel keeps the conversation for the length of the call.
    await alice.page.getByTestId('chat-button').click();
    await openChat(alice.page);
    expect(await messages(alice.page)).toHaveLength(2);
  }, 60_000);

  it('shows markup as the characters typed, never as HTML, and bounds the length', async () => {
    const [alice, bob] = await inCall(suite.browser, suite.server.baseUrl, ['alice-t2', 'bob-t2']);
    suite.open.push(alice, bob);
    await Promise.all([openChat(alice.page), openChat(bob.page)]);
    const markup = '<img src=x onerror="document.title=1"><b>bold</b>';
    await say(alice.page, markup);
    const entry = bob.page.getByTestId('chat-message').filter({ hasText: '<b>bold</b>' });
    await entry.waitFor({ timeout: 10_000 });
    expect(await entry.locator('img, b').count()).toBe(0);
    expect(await entry.textContent()).toContain(markup);

    expect(await alice.page.getByTestId('chat-input').getAttribute('maxlength')).toBe('2000');
  }, 60_000);

  it('keeps the conversation and carries new messages after the media path broke and ICE restarted', async () => {
    // A relay-only call through a real coturn: killing coturn breaks the path for real.
    const turn = await TurnServer.launch();
    const relayed = await startServer({ env: { ICE_SERVERS: JSON.stringify([turn.credentials()]), ICE_TRANSPORT_POLICY: 'relay' } });
    try {
      const [alice, bob] = await inCall(suite.browser, relayed.baseUrl, ['alice-t3', 'bob-t3']);
      suite.open.push(alice, bob);
      await Promise.all([openChat(alice.page), openChat(bob.page)]);
      await say(alice.page, 'before the break');
      await bob.page.getByTestId('chat-message').filter({ hasText: 'before the break' }).waitFor({ timeout: 10_000 });

      await turn.crash();
      await Promise.all([alice.waitForStatus('reconnecting', 30_000), bob.waitForStatus('reconnecting', 30_000)]);
      await turn.start();
      await Promise.all([alice.waitForStatus('connected', 40_000), bob.waitForStatus('connected', 40_000)]);

      await say(bob.page, 'after the restart');
      await alice.page.getByTestId('chat-message').filter({ hasText: 'after the restart' }).waitFor({ timeout: 15_000 });
      expect(await messages(alice.page)).toEqual([
        expect.stringContaining('before the break'),
        expect.stringContaining('after the restart'),
      ]);
    } finally {
      await Promise.all(suite.open.splice(0).map((user) => user.close().catch(() => undefined)));
      await relayed.stop();
      await turn.stop();
    }
  }, 120_000);
});
