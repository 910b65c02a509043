import { LogOutHooks } from './log-out-hooks';

describe(LogOutHooks.name, () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('runs every step and waits for them', async () => {
    const hooks = new LogOutHooks();
    const done: string[] = [];
    hooks.add(async () => void done.push('push'));
    hooks.add(async () => void done.push('other'));
    await hooks.run();
    expect(done).toEqual(['push', 'other']);
  });

  it('never hangs on a step that fails or never ends', async () => {
    jest.useFakeTimers();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const hooks = new LogOutHooks();
    hooks.add(() => Promise.reject(new Error('offline')));
    hooks.add(() => new Promise(() => undefined));
    const running = hooks.run(2_000);
    await jest.advanceTimersByTimeAsync(2_000);
    await running;
    expect(warn).toHaveBeenCalledWith('[log-out] a step failed', expect.any(Error));
    expect(warn).toHaveBeenCalledWith('[log-out] a step took over 2000 ms: logging out without it');
    expect(jest.getTimerCount()).toBe(0);
  });
});
