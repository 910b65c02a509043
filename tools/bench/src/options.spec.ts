import { resolve } from 'node:path';
import { FULL, measuresBrowser, parseArgs, PHASES, SMOKE } from './options';

const out = (smoke: boolean) => (smoke ? 'smoke.json' : 'latest.json');

describe('parseArgs', () => {
  it('defaults to the full run of every phase, pinned when possible, with this checkout\'s Duet', () => {
    expect(parseArgs([], true, out)).toEqual({ ...FULL, pin: true, out: 'latest.json' });
    expect(FULL.phases).toEqual(PHASES);
    expect(FULL.duetMain).toBeUndefined();
  });

  it('takes the forms nx run forwards', () => {
    const options = parseArgs(['--rounds=5', '--pin=false', '--smoke=true', '--out', 'x.json'], true, out);
    expect(options).toMatchObject({ rounds: 5, pin: false, smoke: true, idleConnections: SMOKE.idleConnections, out: 'x.json' });
  });

  it('measures only the phases asked for, in run order', () => {
    expect(parseArgs(['--phases', 'latency,throughput'], true, out).phases).toEqual(['throughput', 'latency']);
    expect(parseArgs(['--phases=calls'], true, out).phases).toEqual(['calls']);
    expect(parseArgs(['--no-cluster'], true, out).phases).toEqual(['idle', 'calls', 'throughput', 'latency', 'browser']);
    expect(parseArgs(['--phases', 'browser', '--rounds', '0'], true, out).phases).toEqual(['browser']);
    expect(measuresBrowser(parseArgs(['--phases', 'browser', '--rounds', '0'], true, out))).toBe(true);
    expect(measuresBrowser(parseArgs(['--rounds', '0', '--profile'], true, out))).toBe(false);
    expect(measuresBrowser(parseArgs([], true, out))).toBe(true);
    expect(parseArgs(['--smoke'], true, out).phases).not.toContain('browser');
    expect(() => parseArgs(['--phases', 'throughput,speed'], true, out)).toThrow(/--phases takes a list/);
    expect(() => parseArgs(['--phases', ''], true, out)).toThrow(/--phases takes a list/);
  });

  it('measures another Duet build when told to, never into the docs', () => {
    expect(parseArgs(['--duet-main', 'before/main.js'], true, out).duetMain).toBe(resolve('before/main.js'));
    expect(() => parseArgs(['--duet-main'], true, out)).toThrow(/--duet-main needs a file/);
    expect(() => parseArgs(['--duet-main', 'before/main.js', '--docs'], true, out)).toThrow(/drop --duet-main/);
  });

  it('writes the docs only from a run of every phase of a round', () => {
    expect(() => parseArgs(['--phases', 'throughput', '--docs'], true, out)).toThrow(/drop --phases/);
    expect(parseArgs(['--no-cluster', '--docs'], true, out).updateDocs).toBe(true);
    expect(parseArgs(['--rounds', '0', '--profile', '--phases', 'throughput', '--docs'], true, out).updateDocs).toBe(true);
  });

  it('refuses what it does not know', () => {
    expect(() => parseArgs(['--fast'], true, out)).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['--rounds', '0'], true, out)).toThrow(/--profile/);
  });
});
