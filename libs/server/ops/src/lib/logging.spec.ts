import { loggedPath } from './logging';

describe(loggedPath.name, () => {
  it('drops the query, and the token of an invite page', () => {
    expect(loggedPath('/api/history?before=abc')).toBe('/api/history');
    expect(loggedPath('/join/eyJhbGciOiJIUzI1NiJ9.eyJpbnYiOiJ4In0.sig?x=1')).toBe('/join/…');
    expect(loggedPath(undefined)).toBeUndefined();
  });
});
