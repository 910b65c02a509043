import { durationWords, missedCallsLabel, outcomeWords, whenWords } from './accounts-words';

describe('accounts words', () => {
  it('says an outcome as the row’s owner lived it', () => {
    expect(outcomeWords({ direction: 'incoming', outcome: 'missed' })).toBe('Missed');
    expect(outcomeWords({ direction: 'outgoing', outcome: 'missed' })).toBe('No answer');
    expect(outcomeWords({ direction: 'outgoing', outcome: 'failed' })).toBe('Could not reach their devices');
    expect(outcomeWords({ direction: 'incoming', outcome: 'declined' })).toBe('You declined');
  });

  it('says durations in units, never like a time of day', () => {
    expect(durationWords(0)).toBe('0 s');
    expect(durationWords(61_400)).toBe('1 min 1 s');
    expect(durationWords(3_725_000)).toBe('1 h 2 min');
  });

  it('says the time alone today, "Yesterday" the day before, else the date too', () => {
    const now = new Date(2026, 11, 6, 15, 0).getTime();
    expect(whenWords(new Date(2026, 11, 6, 9, 5).getTime(), now, 'en-GB')).toBe('09:05');
    expect(whenWords(new Date(2026, 11, 5, 23, 59).getTime(), now, 'en-GB')).toBe('Yesterday 23:59');
    expect(whenWords(new Date(2026, 10, 30, 8, 0).getTime(), now, 'en-GB')).toBe('30 Nov, 08:00');
    expect(whenWords(new Date(2025, 10, 30, 8, 0).getTime(), now, 'en-GB')).toBe('30 Nov 2025, 08:00');
  });

  it('counts missed calls in words', () => {
    expect(missedCallsLabel(1)).toBe('1 missed call');
    expect(missedCallsLabel(3)).toBe('3 missed calls');
  });
});
