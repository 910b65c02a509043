import { ConnectionCounter } from './connection-counter';

describe(ConnectionCounter.name, () => {
  it('caps connections per address and in total, and frees a slot on release', () => {
    const counter = new ConnectionCounter(3, 2);
    expect(counter.reserve('10.0.0.1')).toBe('ok');
    expect(counter.reserve('10.0.0.1')).toBe('ok');
    expect(counter.reserve('10.0.0.1')).toBe('ip-full');
    expect(counter.reserve('10.0.0.2')).toBe('ok');
    expect(counter.reserve('10.0.0.3')).toBe('server-full');
    counter.release('10.0.0.1');
    expect(counter.open).toBe(2);
    expect(counter.reserve('10.0.0.1')).toBe('ok');
  });

  it('ignores a release for an address it never counted', () => {
    const counter = new ConnectionCounter(3, 2);
    counter.release('10.0.0.9');
    expect(counter.open).toBe(0);
  });
});
