import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CALL_PARTS_LOADER, CallParts } from './call-parts';

describe(CallParts.name, () => {
  let loads: number;
  let failuresLeft: number;
  let injector: EnvironmentInjector;
  let destroyed: boolean;
  const destroy = () => {
    destroyed = true;
    injector.destroy();
  };

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    loads = 0;
    destroyed = false;
    const loader = async () => {
      loads += 1;
      if (failuresLeft-- > 0) throw new TypeError('Failed to fetch dynamically imported module');
    };
    injector = createEnvironmentInjector([{ provide: CALL_PARTS_LOADER, useValue: loader }, CallParts], TestBed.inject(EnvironmentInjector));
  });

  afterEach(() => {
    if (!destroyed) destroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('is ready once the parts arrive, fetched once however often it is asked', async () => {
    failuresLeft = 0;
    const parts = injector.get(CallParts);
    expect(parts.ready()).toBe(false);
    parts.load();
    parts.load();
    await jest.advanceTimersByTimeAsync(0);
    expect(parts.ready()).toBe(true);
    expect(loads).toBe(1);
  });

  it('tries again, waiting longer each time, until the parts arrive (a server restarting)', async () => {
    failuresLeft = 3;
    const parts = injector.get(CallParts);
    parts.load();
    await jest.advanceTimersByTimeAsync(0);
    expect(loads).toBe(1);
    await jest.advanceTimersByTimeAsync(499);
    expect(loads).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(loads).toBe(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(loads).toBe(3);
    expect(parts.ready()).toBe(false);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(loads).toBe(4);
    expect(parts.ready()).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops trying when the page goes away, leaving no timer', async () => {
    failuresLeft = Infinity;
    injector.get(CallParts).load();
    await jest.advanceTimersByTimeAsync(0);
    expect(jest.getTimerCount()).toBe(1);
    destroy();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(loads).toBe(1);
  });
});
