import { Logger } from '@nestjs/common';
import { OrderedWrites } from './ordered-writes';

/** A write that finishes when the test says so. */
function deferred() {
  let finish!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => (finish = (error) => (error ? reject(error) : resolve())));
  return { done, finish };
}

describe(OrderedWrites.name, () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  it('runs the writes of one call in order, those of another call alongside', async () => {
    const writes = new OrderedWrites();
    const order: string[] = [];
    const slow = deferred();
    writes.queue(['a'], 'a1', async () => {
      order.push('a1 start');
      await slow.done;
      order.push('a1 end');
    });
    writes.queue(['a'], 'a2', async () => order.push('a2'));
    writes.queue(['b'], 'b1', async () => order.push('b1'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a1 start', 'b1']);
    slow.finish();
    await writes.flush();
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('starts a write queued under two keys after both (a ring continuing as a call)', async () => {
    const writes = new OrderedWrites();
    const order: string[] = [];
    const ring = deferred();
    writes.queue(['ring'], 'ring', async () => {
      await ring.done;
      order.push('ring');
    });
    writes.queue(['call'], 'call', async () => order.push('call'));
    writes.queue(['ring', 'call'], 'continued', async () => order.push('continued'));
    writes.queue(['call'], 'answered', async () => order.push('answered'));
    ring.finish();
    await writes.flush();
    expect(order).toEqual(['call', 'ring', 'continued', 'answered']);
  });

  it('logs a failed write, never throws it, and runs the next one', async () => {
    const writes = new OrderedWrites();
    const next = jest.fn(async () => undefined);
    expect(() => writes.queue(['a'], 'call a ringing', () => Promise.reject(new Error('disk full')))).not.toThrow();
    writes.queue(['a'], 'call a ended', next);
    await writes.flush();
    expect(warn).toHaveBeenCalledWith('call a ringing not recorded: disk full');
    expect(next).toHaveBeenCalled();
  });

  it('finishes what is queued on close, and drops with a word what comes after', async () => {
    const writes = new OrderedWrites();
    const queued = jest.fn(async () => undefined);
    const late = jest.fn(async () => undefined);
    writes.queue(['a'], 'queued', queued);
    await writes.close();
    writes.queue(['a'], 'late', late);
    await writes.flush();
    expect(queued).toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith('late not recorded: the database is closing');
  });
});
