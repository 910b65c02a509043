import * as z from 'zod/mini';

/** Long enough for a company sign-in's name, often an e-mail address or UPN (`alice@contoso.com`). */
export const USERNAME_MAX_LENGTH = 64;

/**
 * ASCII letters, digits, `.`, `_`, `-` and `@`, starting with a letter or digit. Kept to ASCII on
 * purpose: look-alike letters from other scripts would let one user pose as another.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The rule in words, as replies and forms state it. */
export const USERNAME_RULE = 'must be 1-64 characters: letters, digits, ".", "_", "-" or "@", starting with a letter or digit';

export const UsernameSchema = z
  .string()
  .check(
    z.regex(USERNAME_PATTERN, USERNAME_RULE),
  );

/**
 * Names are unique regardless of case, so "Bob" and "bob" are the same person and calling
 * either reaches him. The registry keys users by this form and shows the name as typed.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

export function isValidUsername(username: unknown): username is string {
  return typeof username === 'string' && USERNAME_PATTERN.test(username);
}
