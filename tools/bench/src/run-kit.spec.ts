import { rotation } from './run-kit';

describe('rotation', () => {
  it('is ABBA for two servers', () => {
    expect([0, 1, 2, 3].map((n) => rotation(['a', 'b'], n).join(''))).toEqual(['ab', 'ba', 'ba', 'ab']);
  });

  it('puts each of three servers in each place, after each other one, equally often over six slices', () => {
    const orders = [0, 1, 2, 3, 4, 5].map((n) => rotation(['d', 'r', 'c'], n));
    for (const order of orders) expect([...order].sort()).toEqual(['c', 'd', 'r']);
    for (const kind of ['d', 'r', 'c']) {
      expect([0, 1, 2].map((place) => orders.filter((o) => o[place] === kind).length)).toEqual([2, 2, 2]);
    }
    const follows = new Map<string, number>();
    for (const o of orders) for (let i = 1; i < o.length; i++) follows.set(o[i - 1] + o[i], (follows.get(o[i - 1] + o[i]) ?? 0) + 1);
    expect([...follows.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    expect(rotation(['d', 'r', 'c'], 6)).toEqual(orders[0]);
  });
});
