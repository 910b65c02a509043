import { NameIndex } from './name-index';

describe(NameIndex.name, () => {
  it('finds names by the start of their key, in key order, and forgets removed ones without losing their neighbours', () => {
    const index = new NameIndex();
    for (const name of ['Bob', 'bo', 'b', 'bobby', 'carol']) index.add(name.toLowerCase(), name);
    expect(index.startingWith('bo', 10)).toEqual({ users: ['bo', 'Bob', 'bobby'], more: false });
    index.remove('bob');
    index.remove('nobody');
    expect(index.startingWith('bo', 10)).toEqual({ users: ['bo', 'bobby'], more: false });
    index.remove('bobby');
    index.remove('bo');
    expect(index.startingWith('bo', 10)).toEqual({ users: [], more: false });
    expect(index.startingWith('', 10)).toEqual({ users: ['b', 'carol'], more: false });
  });

  it('stops after the limit and says there are more', () => {
    const index = new NameIndex();
    for (let n = 0; n < 1_000; n++) index.add(`user-${String(n).padStart(4, '0')}`, `user-${n}`);
    expect(index.startingWith('user-', 3)).toEqual({ users: ['user-0', 'user-1', 'user-2'], more: true });
    expect(index.startingWith('user-0999', 3)).toEqual({ users: ['user-999'], more: false });
  });
});
