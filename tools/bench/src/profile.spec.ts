import { CpuProfile, layerOf, ownerOf, summarizeProfile } from './profile';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

describe('summarizeProfile', () => {
  // (root) -> handler -> zod parse; handler -> stringify; (idle)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('handler', 'file:///app/dist/apps/server/main.js'), children: [3, 4] },
      { id: 3, callFrame: frame('safeParse', 'file:///app/node_modules/zod/v4/core/parse.js') },
      { id: 4, callFrame: frame('stringify') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    endTime: 500,
    samples: [3, 3, 4, 2, 5],
    timeDeltas: [100, 100, 100, 100, 100],
  };

  it('shares busy time by self time, total time and layer', () => {
    const summary = summarizeProfile(profile);
    expect(summary.busyPct).toBe(80);
    expect(summary.self[0]).toEqual({ name: 'safeParse (zod/v4/core/parse.js:1)', pct: 50 });
    expect(summary.total[0]).toEqual({ name: 'handler (dist/apps/server/main.js:1)', pct: 100 });
    expect(summary.layers).toContainEqual({ name: 'JSON.stringify (native)', pct: 25 });
  });

  it('keeps only samples inside the window', () => {
    expect(summarizeProfile(profile, { startMicros: 250, endMicros: 450 }).self).toEqual([
      { name: 'stringify', pct: 50 },
      { name: 'handler (dist/apps/server/main.js:1)', pct: 50 },
    ]);
  });

  it('names layers by package', () => {
    expect(layerOf(frame('x', 'file:///w/node_modules/@nestjs/websockets/a.js'))).toBe('Nest framework');
    expect(layerOf(frame('x', 'node:net'))).toBe('Node core (net, streams, timers)');
  });

  it('charges natives and Node internals to the nearest library or application caller', () => {
    const parse = frame('parse');
    const duet = frame('parseClientFrame', 'file:///w/dist/apps/server/main.js');
    expect(ownerOf([parse, duet])).toMatch(/^Duet parseClientFrame/);
    expect(ownerOf([frame('writev'), frame('x', 'node:net'), frame('send', 'file:///w/node_modules/ws/lib/sender.js')])).toMatch(/^writev/);
    expect(ownerOf([frame('FastBuffer', 'node:internal/buffer'), frame('send', 'file:///w/node_modules/ws/lib/sender.js')])).toMatch(/^ws send/);
    expect(ownerOf([frame('clearBuffer', 'node:internal/streams/writable'), frame('x', 'file:///w/dist/apps/server/main.js')])).toMatch(/^Node socket write path/);
    expect(ownerOf([frame('runMicrotasks')])).toMatch(/^Node core/);
  });
});
