import { TestBed } from '@angular/core/testing';
import { accountsProviders, fakeApi, mapStorage, record, settle } from '../../testing/fakes';
import { CallHistoryStore, historySeenKey } from './call-history.store';

function setUp(api = fakeApi(), saved = new Map<string, string>(), withAccounts = true) {
  TestBed.configureTestingModule({ providers: accountsProviders(api, mapStorage(saved), withAccounts ? undefined : null) });
  return { store: TestBed.inject(CallHistoryStore), api, saved };
}

describe(CallHistoryStore.name, () => {
  const missedOld = record({ startedAt: 1_000 });
  const missedNew = record({ startedAt: 3_000, peer: 'carol' });
  const answered = record({ startedAt: 2_000, outcome: 'answered', durationMs: 61_000 });
  const outgoingMissed = record({ startedAt: 4_000, direction: 'outgoing' });
  const busy = record({ startedAt: 5_000, outcome: 'busy' });
  const declined = record({ startedAt: 6_000, outcome: 'declined' });

  it('counts missed incoming calls newer than the last one seen (per user), not outgoing, answered or declined ones', async () => {
    const api = fakeApi({ '': { calls: [declined, busy, outgoingMissed, missedNew, answered, missedOld] } });
    const { store } = setUp(api, new Map([[historySeenKey('Bob'), '1000']]));
    store.start('bob');
    await settle();
    expect(store.missedCount()).toBe(2); // missedNew and busy; missedOld was seen
  });

  it('opening the history clears the badge and remembers the newest call seen, by the server’s clock', async () => {
    const { store, saved } = setUp(fakeApi({ '': { calls: [missedNew, missedOld] } }));
    store.start('bob');
    await settle();
    expect(store.missedCount()).toBe(2);
    store.setOpen(true);
    expect(store.missedCount()).toBe(0);
    expect(saved.get(historySeenKey('bob'))).toBe('3000');
    await settle();
    store.setOpen(false);
    expect(store.missedCount()).toBe(0);
  });

  it('starts from nothing for another user, with that user’s own last-seen time', async () => {
    const api = fakeApi({ '': { calls: [missedNew] } });
    const { store } = setUp(api, new Map([[historySeenKey('carol'), '3000']]));
    store.start('bob');
    await settle();
    expect(store.missedCount()).toBe(1);
    store.start('carol');
    expect(store.calls()).toEqual([]);
    await settle();
    expect(store.missedCount()).toBe(0);
  });

  it('pages older calls in with "before" and keeps each call once', async () => {
    const api = fakeApi({ '': { calls: [missedNew, answered], next: 'p2' }, p2: { calls: [answered, missedOld] } });
    const { store } = setUp(api);
    store.start('bob');
    await settle();
    expect(store.hasOlder()).toBe(true);
    await store.loadOlder();
    expect(api.history).toHaveBeenLastCalledWith('p2', 20);
    expect(store.calls().map((call) => call.id)).toEqual([missedNew.id, answered.id, missedOld.id]);
    expect(store.hasOlder()).toBe(false);
  });

  it('clears the history on the server and here', async () => {
    const { store, api } = setUp(fakeApi({ '': { calls: [missedNew], next: 'p2' } }));
    store.start('bob');
    await settle();
    await expect(store.clear()).resolves.toBe(true);
    expect(api.clearHistory).toHaveBeenCalled();
    expect(store.calls()).toEqual([]);
    expect(store.hasOlder()).toBe(false);
  });

  it('says in words why the history could not be loaded, and forgets it once a load works', async () => {
    const api = fakeApi();
    api.history.mockRejectedValueOnce(Object.assign(new Error('x'), { name: 'AccountsApiError' }));
    const { store } = setUp(api);
    store.start('bob');
    await settle();
    expect(store.problem()).toBe('Call history could not be loaded (x).');
    await store.refresh();
    expect(store.problem()).toBeNull();
    expect(store.loaded()).toBe(true);
  });

  it('drops an answer that comes after the user changed', async () => {
    let answer!: (page: { calls: never[] }) => void;
    const api = fakeApi();
    api.history.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const { store } = setUp(api);
    store.start('bob');
    store.start('carol');
    await settle();
    answer({ calls: [] });
    await settle();
    expect(api.history).toHaveBeenCalledTimes(2);
    expect(store.loading()).toBe(false);
  });

  it('asks nothing of a server without accounts', () => {
    const { store, api } = setUp(fakeApi(), new Map(), false);
    store.start('bob');
    expect(store.available).toBe(false);
    expect(api.history).not.toHaveBeenCalled();
  });
});
