import { isValidUsername, usernameKey } from './username';

describe('username rules', () => {
  it.each(['a', 'alice', 'Bob_2', 'x.y-z', '9lives', 'a'.repeat(33), 'a'.repeat(64), 'alice@contoso.com', 'j.doe@example.co.uk'])('accepts %s', (name) => {
    expect(isValidUsername(name)).toBe(true);
  });

  it.each(['', ' ', 'a b', '-lead', '.dot', 'a'.repeat(65), '@alice', 'аlice' /* Cyrillic а */, 'emoji🙂', 'tab\t'])(
    'rejects %j',
    (name) => {
      expect(isValidUsername(name)).toBe(false);
    },
  );

  it('keys names case-insensitively so Bob and bob are one user', () => {
    expect(usernameKey('Bob')).toBe(usernameKey('bob'));
  });
});
