import { batchedLogDestination, LOG_BATCH_CHARS } from './batched-log-destination';

/** Records what reaches the real destination, and when it was asked to flush. */
function recordingSink() {
  const writes: string[] = [];
  return { writes, sink: { write: (data: string) => writes.push(data) > 0, flushSync: () => undefined } };
}

describe(batchedLogDestination.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes the lines of one batch period together, in order, once the period is over', () => {
    const { sink, writes } = recordingSink();
    const destination = batchedLogDestination(sink, 50);
    destination.write('{"msg":"logged in"}\n');
    destination.write('{"msg":"left"}\n');
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(50);
    expect(writes).toEqual(['{"msg":"logged in"}\n{"msg":"left"}\n']);
    destination.write('{"msg":"again"}\n');
    jest.advanceTimersByTime(50);
    expect(writes).toEqual(['{"msg":"logged in"}\n{"msg":"left"}\n', '{"msg":"again"}\n']);
  });

  it('writes at once when the lines held reach the batch size', () => {
    const { sink, writes } = recordingSink();
    const destination = batchedLogDestination(sink, 50);
    const long = `${'x'.repeat(LOG_BATCH_CHARS)}\n`;
    destination.write(long);
    expect(writes).toEqual([long]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('writes what it holds, synchronously and after what the sink held, when flushed (the process exiting)', () => {
    const order: string[] = [];
    const sink = { write: () => true, flushSync: () => void order.push('sink flushed') };
    const destination = batchedLogDestination(sink, 50, (text) => void order.push(text));
    destination.write('{"msg":"last words"}\n');
    destination.flushSync();
    expect(order).toEqual(['sink flushed', '{"msg":"last words"}\n']);
    expect(jest.getTimerCount()).toBe(0);
    destination.flushSync();
    expect(order).toHaveLength(3);
  });
});
