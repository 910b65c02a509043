import { OriginPolicy } from './origin-policy';

describe(OriginPolicy.name, () => {
  const byDefault = new OriginPolicy(undefined);
  const listed = new OriginPolicy(['https://duet.example.com']);

  it('allows clients that send no Origin (non-browsers)', () => {
    expect(byDefault.allows(undefined, 'duet.example.com')).toBe(true);
  });

  it("allows the server's own origin, whatever the list", () => {
    expect(byDefault.allows('https://calls.corp.example', 'calls.corp.example')).toBe(true);
    expect(listed.allows('http://calls.corp.example:3000', 'calls.corp.example:3000')).toBe(true);
  });

  it('allows localhost only when no list is configured', () => {
    expect(byDefault.allows('http://localhost:4200', 'duet.example.com')).toBe(true);
    expect(byDefault.allows('http://127.0.0.1:3000', 'duet.example.com')).toBe(true);
    expect(listed.allows('http://localhost:4200', 'duet.example.com')).toBe(false);
  });

  it('allows listed origins and refuses every other site', () => {
    expect(listed.allows('https://duet.example.com', 'internal:3000')).toBe(true);
    expect(listed.allows('https://evil.example', 'duet.example.com')).toBe(false);
    expect(byDefault.allows('https://evil.example', 'duet.example.com')).toBe(false);
    expect(byDefault.allows('https://localhost.evil.example', 'duet.example.com')).toBe(false);
    expect(byDefault.allows('null', 'duet.example.com')).toBe(false);
  });
});
