import { DuetUser } from './duet-user';

// Every browser test doubles as a check of the server's Content Security Policy: whatever a page
// did during the test, its policy must not have blocked any of it.
afterEach(() => {
  const violations = DuetUser.cspViolations.splice(0);
  if (violations.length > 0) throw new Error(`the Content Security Policy blocked something:\n${violations.join('\n')}`);
});
