import { resolve } from 'node:path';
import { DEFAULT_SHAPES, FULL, measuresBrowser, parseArgs, parseShape, PHASES, shapeName, SMOKE } from './options';

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
    expect(parseArgs(['--no-cluster'], true, out).phases).toEqual(['idle', 'calls', 'throughput', 'latency', 'shapes', 'browser']);
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

  it('runs the six load shapes of issue 27 by default, and only the ones asked for with --shapes', () => {
    expect(FULL.shapes.map(shapeName)).toEqual(['50x8x200', '50x8x1300', '1000x1x200', '1000x1x1300', '200x4x200', '200x4x1300']);
    expect(DEFAULT_SHAPES).toBe(FULL.shapes);
    const one = parseArgs(['--shapes', '50x8x200', '--rounds', '1'], true, out);
    expect(one.shapes).toEqual([{ pairs: 50, window: 8, payload: 200 }]);
    // A shape alone means that shape, not a whole run.
    expect(one.phases).toEqual(['shapes']);
    expect(parseArgs(['--shapes=20x2x0,5x1x1300', '--phases', 'shapes,cluster'], true, out)).toMatchObject({
      shapes: [
        { pairs: 20, window: 2, payload: 0 },
        { pairs: 5, window: 1, payload: 1300 },
      ],
      phases: ['shapes', 'cluster'],
    });
    expect(() => parseArgs(['--shapes', '50x8'], true, out)).toThrow(/PAIRSxWINDOWxPAYLOAD/);
    // 2 KiB candidates are not valid for Duet: refused, not silently shrunk.
    expect(() => parseShape('50x8x2048')).toThrow(/payload 0–1300 bytes/);
    expect(() => parseShape('0x8x200')).toThrow(/1–5000 pairs/);
    expect(() => parseArgs(['--shapes', ''], true, out)).toThrow(/--shapes takes/);
    expect(() => parseArgs(['--shapes', '50x8x200', '--docs'], true, out)).toThrow(/drop --shapes/);
  });

  it('profiles under a chosen load shape', () => {
    expect(parseArgs(['--rounds', '0', '--profile-shape', '50x8x200'], true, out)).toMatchObject({
      profile: true,
      rounds: 0,
      profileShape: { pairs: 50, window: 8, payload: 200 },
    });
    expect(() => parseArgs(['--rounds', '0', '--profile-shape', 'big'], true, out)).toThrow(/PAIRSxWINDOWxPAYLOAD/);
  });

  it('the smoke run checks one small shape per payload size and the cluster below saturation', () => {
    expect(SMOKE.phases).toContain('shapes');
    expect(SMOKE.shapes.map(shapeName)).toEqual(['10x4x200', '10x2x1300']);
    expect(SMOKE.clusterRates).toEqual([500]);
    expect(FULL.clusterRates).toEqual([1_000, 5_000]);
  });

  it('refuses what it does not know', () => {
    expect(() => parseArgs(['--fast'], true, out)).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['--rounds', '0'], true, out)).toThrow(/--profile/);
  });
});
