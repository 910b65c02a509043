import { safeReturnPath } from './return-path';

describe(safeReturnPath.name, () => {
  const back = (value: unknown) => safeReturnPath(value, '/auth/callback');

  it('keeps the path and query of a page on this origin, without its fragment', () => {
    expect(back('/?answer=ring-1')).toBe('/?answer=ring-1');
    expect(back('/some/page?a=1&b=2#secret')).toBe('/some/page?a=1&b=2');
    expect(back('/')).toBe('/');
  });

  it('never sends the person to another site or back to the callback', () => {
    for (const value of [
      'https://evil.example/',
      '//evil.example/path',
      '/\\evil.example/path',
      '\\\\evil.example',
      'javascript:alert(1)',
      'evil.example/path',
      '',
      '/auth/callback?code=used',
      '/.//evil.example/path',
      '/a/..//evil.example',
      `/${'x'.repeat(3_000)}`,
      42,
      null,
      undefined,
      { path: '/' },
    ]) {
      expect(back(value)).toBe('/');
    }
  });

  it('keeps a tab or newline from turning a path into another host', () => {
    expect(back('/\t/evil.example')).not.toMatch(/^\/\//);
    expect(back('/\n/evil.example')).not.toMatch(/^\/\//);
  });
});
