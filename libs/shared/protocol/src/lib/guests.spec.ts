import {
  displayNameOf,
  GUEST_DISPLAY_NAME_MAX_LENGTH,
  guestKeyPrefix,
  guestUsername,
  isGuestUsername,
  mayCall,
  normalizeDisplayName,
  parseGuestUsername,
} from './guests';
import { usernameKey } from './username';

describe('normalizeDisplayName', () => {
  it('trims, and makes runs of spaces one', () => {
    expect(normalizeDisplayName('  Ada   Lovelace  ')).toBe('Ada Lovelace');
    expect(normalizeDisplayName('Ada\u00a0\u3000Lovelace')).toBe('Ada Lovelace');
  });

  it('composes accents (NFC), so one name has one spelling', () => {
    expect(normalizeDisplayName('Zoe\u0308')).toBe('Zoë');
  });

  it('keeps markup: it is a name, shown as text', () => {
    expect(normalizeDisplayName('<b>Bob</b> & "Co"')).toBe('<b>Bob</b> & "Co"');
  });

  it.each([
    ['bidi override', 'evil\u202egnp.exe'],
    ['zero-width space', 'Bo\u200bb'],
    ['zero-width joiner', 'Bo\u200db'],
    ['byte order mark', '\ufeffBob'],
    ['control', 'Bob\u0007'],
    ['line break', 'Bob\nSmith'],
    ['tab', 'Bob\tSmith'],
    ['line separator', 'Bob\u2028Smith'],
    ['private use', 'Bob\ue000'],
    ['lone surrogate', 'Bob\ud800'],
    ['empty', ''],
    ['only spaces', '   '],
  ])('refuses a %s', (_, raw) => {
    expect(normalizeDisplayName(raw)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(normalizeDisplayName(42)).toBeUndefined();
    expect(normalizeDisplayName(undefined)).toBeUndefined();
  });

  it(`bounds the name at ${GUEST_DISPLAY_NAME_MAX_LENGTH} UTF-16 units, counted after trimming`, () => {
    expect(normalizeDisplayName('a'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH))).toBe('a'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH));
    expect(normalizeDisplayName(`  ${'a'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH)}  `)).toBe('a'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH));
    expect(normalizeDisplayName('a'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH + 1))).toBeUndefined();
    // An emoji is two units.
    expect(normalizeDisplayName('🙂'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH / 2))).toBeDefined();
    expect(normalizeDisplayName(`${'🙂'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH / 2)}a`)).toBeUndefined();
  });
});

describe('guest wire names', () => {
  it.each([
    ['alice', 'Bob'],
    ['alice@contoso.com', 'Bob Smith'],
    ['alice', 'Dr: Who'],
    ['alice', 'a:b:c'],
    ['j.doe@example.co.uk', 'Zoë <3'],
  ])('round-trips %s inviting %j', (inviter, displayName) => {
    const name = guestUsername(inviter, displayName);
    expect(isGuestUsername(name)).toBe(true);
    expect(parseGuestUsername(name)).toEqual({ inviter, displayName });
    expect(displayNameOf(name)).toBe(displayName);
  });

  it('tells members apart, and shows their names as they are', () => {
    expect(isGuestUsername('alice')).toBe(false);
    expect(isGuestUsername('guestbook')).toBe(false);
    expect(parseGuestUsername('alice')).toBeUndefined();
    expect(displayNameOf('alice')).toBe('alice');
  });

  it('reads the prefix case-insensitively, as names are keyed', () => {
    expect(isGuestUsername('GUEST:alice:Bob')).toBe(true);
    expect(parseGuestUsername('Guest:alice:Bob')).toEqual({ inviter: 'alice', displayName: 'Bob' });
  });

  it.each(['guest:', 'guest:alice', 'guest:alice:', 'guest::Bob', 'guest:a b:Bob'])('finds no guest in the malformed %j', (name) => {
    expect(isGuestUsername(name)).toBe(true);
    expect(parseGuestUsername(name)).toBeUndefined();
  });
});

describe('mayCall', () => {
  const guest = guestUsername('alice', 'Bob');

  it('lets members call each other', () => {
    expect(mayCall('alice', 'carol')).toBe(true);
  });

  it('lets a guest and its inviter call each other, both ways, whatever the case', () => {
    expect(mayCall(guest, 'alice')).toBe(true);
    expect(mayCall('alice', guest)).toBe(true);
    expect(mayCall(guest, 'ALICE')).toBe(true);
    expect(mayCall('Alice', guest)).toBe(true);
  });

  it('keeps a guest from anyone else, both ways', () => {
    expect(mayCall(guest, 'carol')).toBe(false);
    expect(mayCall('carol', guest)).toBe(false);
    expect(mayCall(guest, guestUsername('alice', 'Dan'))).toBe(false);
    expect(mayCall(guestUsername('carol', 'Eve'), guest)).toBe(false);
  });

  it('lets a malformed guest name call nobody, and be called by nobody', () => {
    expect(mayCall('guest:alice', 'alice')).toBe(false);
    expect(mayCall('alice', 'guest:alice')).toBe(false);
  });
});

describe('guestKeyPrefix', () => {
  it('is the key prefix of every guest of the inviter, however either is cased', () => {
    const prefix = guestKeyPrefix('Alice');
    expect(prefix).toBe(guestKeyPrefix('alice'));
    expect(usernameKey(guestUsername('alice', 'Bob')).startsWith(prefix)).toBe(true);
    expect(usernameKey(guestUsername('ALICE', 'Ünal')).startsWith(prefix)).toBe(true);
  });

  it("does not match another inviter's guests, even one whose name starts the same", () => {
    expect(usernameKey(guestUsername('alicia', 'Bob')).startsWith(guestKeyPrefix('ali'))).toBe(false);
    expect(usernameKey(guestUsername('alice', 'Bob')).startsWith(guestKeyPrefix('alice.b'))).toBe(false);
  });
});
