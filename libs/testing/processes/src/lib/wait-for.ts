/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000, describe = () => 'condition not met in time'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
