/** Optional DI token: the stores' clock (ms since the epoch); `Date.now` unless a test provides one. */
export const STORAGE_CLOCK = Symbol('STORAGE_CLOCK');
