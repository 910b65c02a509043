import { randomToken } from './random-token';

describe(randomToken.name, () => {
  it('gives base64url tokens of the asked length, never the same one twice across pool refills', () => {
    const tokens = Array.from({ length: 2_000 }, () => randomToken(16));
    for (const token of tokens) expect(token).toMatch(/^[\w-]{22}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(randomToken(6)).toMatch(/^[\w-]{8}$/);
  });

  it('refuses more than the pool holds', () => {
    expect(() => randomToken(4_097)).toThrow(RangeError);
  });
});
