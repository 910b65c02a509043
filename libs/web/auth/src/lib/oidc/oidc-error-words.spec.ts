import { OidcFailure } from './oidc-client';
import { FAILED_WORDS, UNREACHABLE_WORDS, oidcFailureWords } from './oidc-error-words';

describe('oidcFailureWords', () => {
  it('says the person cancelled for access_denied', () => {
    expect(oidcFailureWords(new OidcFailure('refused', 'access_denied'))).toBe("You cancelled the sign-in at your company's page.");
  });

  it.each([
    'login_required',
    'consent_required',
    'interaction_required',
    'invalid_client',
    'unauthorized_client',
    'invalid_request',
    'invalid_scope',
    'server_error',
    'temporarily_unavailable',
  ])('has its own sentence for %s, without the code', (code) => {
    const words = oidcFailureWords(new OidcFailure('refused', code));
    expect(words).not.toContain(code);
    expect(words).not.toBe(FAILED_WORDS);
    expect(words).toMatch(/[.]$/);
  });

  it('names an unknown code so an administrator can look it up', () => {
    expect(oidcFailureWords(new OidcFailure('refused', 'mfa_required'))).toContain('(mfa_required)');
  });

  it('tells a failed code exchange and an unreachable provider apart', () => {
    expect(oidcFailureWords(new OidcFailure('failed'))).toBe(FAILED_WORDS);
    expect(oidcFailureWords(new OidcFailure('unreachable'))).toBe(UNREACHABLE_WORDS);
  });
});
