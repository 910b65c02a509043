import { FrameBudget } from './frame-budget';

describe(FrameBudget.name, () => {
  it('admits a burst, refuses past it, and calls a client abusive once a whole burst was refused in a row', () => {
    const now = 0;
    const budget = new FrameBudget(1, 3, () => now);
    expect([budget.take(), budget.take(), budget.take()]).toEqual(['ok', 'ok', 'ok']);
    expect([budget.take(), budget.take(), budget.take()]).toEqual(['refused', 'refused', 'refused']);
    expect(budget.take()).toBe('abusive');
  });

  it('forgives refusals once a frame is admitted again', () => {
    let now = 0;
    const budget = new FrameBudget(1, 2, () => now);
    budget.take();
    budget.take();
    expect(budget.take()).toBe('refused');
    now += 1_000;
    expect(budget.take()).toBe('ok');
    expect([budget.take(), budget.take()]).toEqual(['refused', 'refused']);
  });
});
