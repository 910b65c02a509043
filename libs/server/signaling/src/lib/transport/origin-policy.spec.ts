import { OriginPolicy } from './origin-policy';

describe(OriginPolicy.name, () => {
  const machine = () => new Set(['duet-box', 'duet-box.local', '192.168.1.20', '[fe80::1]']);
  const byDefault = new OriginPolicy(undefined, undefined, machine);
  const published = new OriginPolicy('https://duet.example.com', undefined, machine);
  const listed = new OriginPolicy('https://duet.example.com', ['https://partner.example'], machine);

  it('allows clients that send no Origin (non-browsers)', () => {
    expect(byDefault.allows(undefined)).toBe(true);
  });

  it('allows the public URL, whatever the list', () => {
    expect(published.allows('https://duet.example.com')).toBe(true);
    expect(listed.allows('https://duet.example.com')).toBe(true);
    expect(listed.allows('https://partner.example')).toBe(true);
    expect(published.allows('http://duet.example.com')).toBe(false);
  });

  it("allows localhost and this machine's names and addresses only when no list is configured", () => {
    for (const origin of ['http://localhost:4200', 'http://127.0.0.1:3000', 'http://192.168.1.20:3000', 'http://[fe80::1]:3000', 'https://duet-box.local:3000']) {
      expect(byDefault.allows(origin)).toBe(true);
      expect(listed.allows(origin)).toBe(false);
    }
  });

  it('refuses every other site, including one that DNS-rebinds to this server', () => {
    for (const policy of [byDefault, published, listed]) {
      expect(policy.allows('http://evil.example:3000')).toBe(false);
      expect(policy.allows('https://localhost.evil.example')).toBe(false);
      expect(policy.allows('http://192.168.1.20.evil.example')).toBe(false);
      expect(policy.allows('null')).toBe(false);
      expect(policy.allows('not a url')).toBe(false);
    }
  });
});
