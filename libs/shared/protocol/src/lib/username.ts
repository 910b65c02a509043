import * as z from 'zod/mini';

export const USERNAME_MAX_LENGTH = 32;

/**
 * ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit. Kept to ASCII on purpose:
 * look-alike letters from other scripts would let one user pose as another.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export const UsernameSchema = z
  .string()
  .check(
    z.regex(USERNAME_PATTERN, 'must be 1-32 characters: letters, digits, ".", "_" or "-", starting with a letter or digit'),
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
