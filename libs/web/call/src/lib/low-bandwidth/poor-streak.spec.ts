import { POOR_FOR_MS, PoorStreak } from './poor-streak';

describe(PoorStreak.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires once the verdict has stayed poor for 10 s, readings every 2 s, and not a moment before', () => {
    const elapsed = jest.fn();
    const streak = new PoorStreak(elapsed);
    for (let reading = 0; reading < 5; reading += 1) {
      streak.observe('poor');
      jest.advanceTimersByTime(2_000 - (reading === 4 ? 1 : 0));
    }
    expect(elapsed).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(elapsed).toHaveBeenCalledTimes(1);
    expect(POOR_FOR_MS).toBe(10_000);
  });

  it('starts again after any reading that is not poor, or no verdict at all', () => {
    const elapsed = jest.fn();
    const streak = new PoorStreak(elapsed);
    streak.observe('poor');
    jest.advanceTimersByTime(8_000);
    streak.observe('fair');
    streak.observe('poor');
    jest.advanceTimersByTime(8_000);
    streak.observe(null);
    streak.observe('poor');
    jest.advanceTimersByTime(9_999);
    expect(elapsed).not.toHaveBeenCalled();
    streak.observe('poor');
    jest.advanceTimersByTime(1);
    expect(elapsed).toHaveBeenCalledTimes(1);
  });

  it('leaves no timer behind when stopped', () => {
    const elapsed = jest.fn();
    const streak = new PoorStreak(elapsed);
    streak.observe('poor');
    streak.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(20_000);
    expect(elapsed).not.toHaveBeenCalled();
  });
});
