import { CallState, DuetUser } from '../support/duet-user';

/** The callee's page clicks Accept the moment the prompt appears: set-up time without a person's delay. */
export async function autoAnswer(callee: DuetUser): Promise<void> {
  await callee.page.evaluate(() => {
    new MutationObserver(() => document.querySelector<HTMLButtonElement>('[data-testid="accept-button"]')?.click()).observe(
      document.body,
      { subtree: true, childList: true },
    );
  });
}

/**
 * Milliseconds from the caller clicking Call (from the lobby) to `call-status` reaching `state`,
 * measured inside the page (performance.now), so the test's own round trips are not counted.
 */
export async function timeCallUntil(caller: DuetUser, callee: string, state: CallState, timeoutMs = 20_000): Promise<number> {
  // The lobby (and its call box) is gone during a call, so each call types the name again.
  await caller.page.getByTestId('callee-input').fill(callee);
  return caller.page.evaluate(
    ({ state, timeoutMs }) =>
      new Promise<number>((resolve, reject) => {
        const reached = () => document.querySelector('[data-testid="call-status"]')?.getAttribute('data-state') === state;
        const observer = new MutationObserver(() => {
          if (!reached()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve(performance.now() - t0);
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`call-status did not become "${state}" within ${timeoutMs} ms`));
        }, timeoutMs);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
        const t0 = performance.now();
        document.querySelector<HTMLButtonElement>('[data-testid="call-button"]')?.click();
      }),
    { state, timeoutMs },
  );
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `median X ms (min A, max B; all: ...)`: one line a note can quote. */
export function summarize(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return (
    `median ${median(samples).toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1)?.toFixed(0)}; ` +
    `all: ${samples.map((ms) => ms.toFixed(0)).join(', ')})`
  );
}
