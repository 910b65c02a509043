import { FULL, parseArgs, SMOKE } from './options';

const out = (smoke: boolean) => (smoke ? 'smoke.json' : 'latest.json');

describe('parseArgs', () => {
  it('defaults to the full run, pinned when possible', () => {
    expect(parseArgs([], true, out)).toEqual({ ...FULL, pin: true, out: 'latest.json' });
  });

  it('takes the forms nx run forwards', () => {
    const options = parseArgs(['--rounds=5', '--pin=false', '--smoke=true', '--out', 'x.json'], true, out);
    expect(options).toMatchObject({ rounds: 5, pin: false, smoke: true, idleConnections: SMOKE.idleConnections, out: 'x.json' });
  });

  it('refuses what it does not know', () => {
    expect(() => parseArgs(['--fast'], true, out)).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['--rounds', '0'], true, out)).toThrow(/--profile/);
  });
});
