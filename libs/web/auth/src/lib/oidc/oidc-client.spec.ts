import { OidcFailure, isTransient, jwtTimes } from './oidc-client';

function jwt(claims: object): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
}

describe(jwtTimes.name, () => {
  it('reads iat and exp in ms', () => {
    expect(jwtTimes(jwt({ sub: 'alice', iat: 1_800_000_000, exp: 1_800_000_020 }))).toEqual({
      issuedAt: 1_800_000_000_000,
      expiresAt: 1_800_000_020_000,
    });
  });

  it('reads base64url payloads (- and _) without padding', () => {
    const name = '\u00ff\u00fe\u00fd?>'; // encodes to / and + in base64
    expect(jwtTimes(jwt({ name, iat: 1, exp: 2 }))).toEqual({ issuedAt: 1000, expiresAt: 2000 });
  });

  it('is null for a token without times or not a JWT', () => {
    expect(jwtTimes(jwt({ sub: 'alice' }))).toBeNull();
    expect(jwtTimes('opaque-token')).toBeNull();
    expect(jwtTimes('a.!!!.c')).toBeNull();
  });
});

describe(isTransient.name, () => {
  it('retries network errors, odd responses and the "not now" codes; not a refusal', () => {
    expect(isTransient(new OidcFailure('unreachable'))).toBe(true);
    expect(isTransient(new OidcFailure('failed'))).toBe(true);
    expect(isTransient(new OidcFailure('refused', 'temporarily_unavailable'))).toBe(true);
    expect(isTransient(new OidcFailure('refused', 'server_error'))).toBe(true);
    expect(isTransient(new OidcFailure('refused', 'invalid_grant'))).toBe(false);
  });
});
