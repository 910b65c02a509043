import { callLinkFromAddress } from './call-link';

/** A page at `path`, whose address bar a test can read. */
function pageAt(path: string) {
  const location = new URL(path, 'https://duet.test');
  const history = { state: null, replaceState: jest.fn((_state: unknown, _title: string, url: string) => (location.href = new URL(url, location).href)) };
  return { page: { location, history } as unknown as Window, location };
}

describe(callLinkFromAddress.name, () => {
  it('gives the name of /call/<name> once, and cleans the address to /', () => {
    const { page, location } = pageAt('/call/Bob.Smith');
    const link = callLinkFromAddress(page);
    expect(location.pathname).toBe('/call/Bob.Smith');
    expect(link?.take()).toBe('Bob.Smith');
    expect(location.pathname).toBe('/');
    expect(link?.take()).toBeNull();
  });

  it('decodes the name, and gives nothing for one that is not a valid username (the address is cleaned all the same)', () => {
    expect(callLinkFromAddress(pageAt('/call/b%40x').page)?.take()).toBe('b@x');
    for (const path of ['/call/', '/call/a%20b', '/call/%E0%A4%A', '/call/bob/more']) {
      const { page, location } = pageAt(path);
      expect(callLinkFromAddress(page)?.take()).toBeNull();
      expect(location.pathname).toBe('/');
    }
  });

  it('is no call link elsewhere', () => {
    expect(callLinkFromAddress(pageAt('/').page)).toBeNull();
    expect(callLinkFromAddress(pageAt('/join/abc').page)).toBeNull();
    expect(callLinkFromAddress(null)).toBeNull();
  });
});
