import { OidcFailure } from './oidc-client';

/**
 * What a failed sign-in means for the person, in words. The provider's own `error_description`
 * is not shown: it is often technical, and a crafted link could put any text there.
 */
const WORDS_BY_CODE: Readonly<Record<string, string>> = {
  access_denied: "You cancelled the sign-in at your company's page.",
  login_required: "Your company's sign-in needs you to sign in again.",
  interaction_required: "Your company's sign-in needs you to confirm something on its page. Sign in again.",
  consent_required: "Your company's sign-in needs you to allow Duet first. Sign in again.",
  invalid_client: "Your company's sign-in does not know this Duet app (its client id). Ask your administrator.",
  unauthorized_client: "This Duet app may not sign people in at your company (its client registration). Ask your administrator.",
  invalid_request: "Your company's sign-in refused the request (check Duet's redirect URI). Ask your administrator.",
  invalid_scope: "Your company's sign-in refused what Duet asked for (its scopes). Ask your administrator.",
  invalid_grant: 'Your sign-in has expired. Sign in again.',
  server_error: "Your company's sign-in had a problem. Try again in a moment.",
  temporarily_unavailable: "Your company's sign-in is busy. Try again in a moment.",
};

export const UNREACHABLE_WORDS = "Your company's sign-in cannot be reached. Check your connection and try again.";
export const FAILED_WORDS = 'The sign-in could not be completed. Try again.';

export function oidcFailureWords(failure: OidcFailure): string {
  if (failure.kind === 'unreachable') return UNREACHABLE_WORDS;
  if (failure.kind === 'failed' || failure.code === null) return FAILED_WORDS;
  return WORDS_BY_CODE[failure.code] ?? `Your company's sign-in refused it (${failure.code}). Try again, or ask your administrator.`;
}
