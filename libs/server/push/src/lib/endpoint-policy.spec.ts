import { PushEndpointPolicy } from './endpoint-policy';

const HOSTS = ['fcm.googleapis.com', '*.push.apple.com', '127.0.0.1:8443', '[::1]:9443', 'push.internal.example:8443', '*.3.4'];

describe(PushEndpointPolicy.name, () => {
  const dns = new Map<string, string[]>([
    ['fcm.googleapis.com', ['142.250.74.106', '2a00:1450:4001:82b::200a']],
    ['web.push.apple.com', ['17.57.144.10']],
    ['rebound.push.apple.com', ['10.0.0.5']],
    ['mixed.push.apple.com', ['17.57.144.11', '127.0.0.1']],
    ['mapped.push.apple.com', ['::ffff:127.0.0.1']],
    ['metadata.push.apple.com', ['169.254.169.254']],
    ['nowhere.push.apple.com', []],
    ['push.internal.example', ['10.1.1.1']],
  ]);
  const asked: string[] = [];
  const policy = new PushEndpointPolicy(HOSTS, async (host) => {
    asked.push(host);
    const addresses = dns.get(host);
    if (addresses === undefined) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return addresses;
  });

  beforeEach(() => (asked.length = 0));

  describe('allow-list (no DNS)', () => {
    it.each([
      ['https://fcm.googleapis.com/fcm/send/abc:APA91b', 'fcm.googleapis.com', 443, true],
      ['https://web.push.apple.com/QOabc', 'web.push.apple.com', 443, false],
      ['https://a.b.push.apple.com/x', 'a.b.push.apple.com', 443, false],
      ['https://127.0.0.1:8443/push/1', '127.0.0.1', 8443, true],
      ['https://[::1]:9443/push/1', '::1', 9443, true],
      ['https://push.internal.example:8443/x', 'push.internal.example', 8443, true],
    ])('allows %s', (endpoint, host, port, listedLiterally) => {
      expect(policy.allowed(endpoint)).toEqual({ host, port, listedLiterally });
    });

    it.each([
      ['not a url', /not a URL/],
      ['', /not a URL/],
      ['http://fcm.googleapis.com/fcm/send/abc', /https:\/\//],
      ['ftp://fcm.googleapis.com/x', /https:\/\//],
      ['javascript:alert(1)', /https:\/\//],
      ['https://user:secret@fcm.googleapis.com/x', /credentials/],
      ['https://FCM.googleapis.com/x', /canonical/],
      ['https://fcm.googleapis.com:443/x', /canonical/],
      ['https://2130706433:8443/push/1', /canonical/],
      ['https://[0:0::1]:9443/push/1', /canonical/],
      ['https://fcm.googleapis.com/a/../b', /canonical/],
      ['https://fcm.googleapis.com:8443/x', /fcm\.googleapis\.com:8443 is not an allowed push service/],
      ['https://fcm.googleapis.com.evil.example/x', /not an allowed push service/],
      ['https://evilfcm.googleapis.com/x', /not an allowed push service/],
      ['https://push.apple.com/x', /not an allowed push service/],
      ['https://evilpush.apple.com/x', /not an allowed push service/],
      ['https://fcm.googleapis.com./x', /not an allowed push service/],
      ['https://127.0.0.1/push/1', /127\.0\.0\.1 is not an allowed push service/],
      ['https://127.0.0.1:8444/push/1', /not an allowed push service/],
      ['https://localhost:8443/push/1', /not an allowed push service/],
      ['https://10.0.0.1/x', /not an allowed push service/],
      ['https://1.2.3.4/x', /not an allowed push service/],
      ['https://[::1]/x', /not an allowed push service/],
    ])('refuses %s', (endpoint, reason) => {
      expect(() => policy.allowed(endpoint)).toThrow(reason);
    });
  });

  describe('resolved addresses (check)', () => {
    it('allows a wildcard host on public addresses', async () => {
      await expect(policy.check('https://web.push.apple.com/QOabc')).resolves.toMatchObject({ host: 'web.push.apple.com' });
      expect(asked).toEqual(['web.push.apple.com']);
    });

    it('allows a literally listed host on a private network without asking DNS', async () => {
      await expect(policy.check('https://push.internal.example:8443/x')).resolves.toMatchObject({ listedLiterally: true });
      await expect(policy.check('https://127.0.0.1:8443/push/1')).resolves.toMatchObject({ listedLiterally: true });
      expect(asked).toEqual([]);
    });

    it.each([
      ['https://rebound.push.apple.com/x', 'a private address'],
      ['https://mixed.push.apple.com/x', 'one loopback address among public ones'],
      ['https://mapped.push.apple.com/x', 'a v4-mapped loopback address'],
      ['https://metadata.push.apple.com/x', 'the link-local metadata address'],
      ['https://nowhere.push.apple.com/x', 'no address at all'],
    ])('refuses %s (%s) unless listed literally', async (endpoint) => {
      await expect(policy.check(endpoint)).rejects.toThrow(/loopback or private address, which only an exact PUSH_ENDPOINT_HOSTS entry allows/);
    });

    it('refuses a host that does not resolve, saying so', async () => {
      await expect(policy.check('https://gone.push.apple.com/x')).rejects.toThrow('push endpoint host gone.push.apple.com does not resolve');
    });

    it('checks the allow-list before DNS', async () => {
      await expect(policy.check('http://web.push.apple.com/x')).rejects.toThrow(/https/);
      expect(asked).toEqual([]);
    });
  });

  it('tells whether a connection target is listed literally', () => {
    expect(policy.listedLiterally('127.0.0.1', 8443)).toBe(true);
    expect(policy.listedLiterally('::1', 9443)).toBe(true);
    expect(policy.listedLiterally('PUSH.internal.example', 8443)).toBe(true);
    expect(policy.listedLiterally('127.0.0.1', 443)).toBe(false);
    expect(policy.listedLiterally('web.push.apple.com', 443)).toBe(false);
  });

  it('refuses a malformed pattern when built', () => {
    expect(() => new PushEndpointPolicy(['https://fcm.googleapis.com'])).toThrow(/not a push endpoint host pattern/);
  });
});
