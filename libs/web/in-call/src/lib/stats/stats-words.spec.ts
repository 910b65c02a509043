import { qualitySentence } from './stats-words';

describe('stats words', () => {
  it('tells a silent other side (no camera or microphone) from a path where nothing arrives', () => {
    expect(qualitySentence({ quality: 'poor', reason: 'no-media' })).toBe('Poor connection: nothing is arriving');
    const silent = qualitySentence({ quality: 'good', reason: 'nothing-sent' });
    expect(silent).toBe('Good connection: they send no sound or picture (no camera or microphone)');
  });
});
