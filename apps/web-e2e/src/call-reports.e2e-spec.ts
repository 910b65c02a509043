import { Page } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { inCall } from './support/in-call';
import { keepPeerConnections } from './support/peer-connections';

/** What the page's own `getStats()` says about its call, read by the test just before hang-up. */
interface PageFigures {
  path: string;
  protocol: string;
  videoCodec: string;
  framesSent: number;
  framesDecoded: number;
}

function pageFigures(page: Page): Promise<PageFigures> {
  return page.evaluate(async () => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    if (!pc) throw new Error('no open RTCPeerConnection');
    const stats: (Record<string, unknown> & { id: string; type: string })[] = [];
    (await pc.getStats()).forEach((report) => stats.push(report));
    const byId = new Map(stats.map((report) => [report.id, report]));
    const transport = stats.find((report) => report.type === 'transport' && report['selectedCandidatePairId']);
    const pair = byId.get(String(transport?.['selectedCandidatePairId']));
    const local = byId.get(String(pair?.['localCandidateId']));
    const outbound = stats.find((report) => report.type === 'outbound-rtp' && report['kind'] === 'video');
    const inbound = stats.find((report) => report.type === 'inbound-rtp' && report['kind'] === 'video');
    return {
      path: String(local?.['candidateType']),
      protocol: String(local?.['protocol']),
      videoCodec: String(byId.get(String(outbound?.['codecId']))?.['mimeType']),
      framesSent: Number(outbound?.['framesSent']),
      framesDecoded: Number(inbound?.['framesDecoded']),
    };
  });
}

// The server's own structured log: one JSON line per accepted report (LOG_FORMAT=json).
type ReportLine = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The quality loop end to end in real Chromium: a call, hang-up, both parties' summaries reach the
 * server with the figures their pages' `getStats()` show, and a rating click is counted.
 */
describe('call reports in real Chromium', () => {
  const suite = browserSuite({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info' } });

  function reportLines(): ReportLine[] {
    return suite.server
      .output()
      .split('\n')
      .filter((line) => line.includes('"call report"'))
      .map((line) => JSON.parse(line) as ReportLine);
  }
  /** Waits (on the condition, up to 10 s) until the server has logged `count` reports. */
  async function waitForReports(count: number): Promise<ReportLine[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const lines = reportLines();
      if (lines.length >= count) return lines;
      if (Date.now() > deadline) throw new Error(`${lines.length} call reports logged, not ${count}:\n${suite.server.output().slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('sends both sides\' summaries at hang-up, matching their pages\' stats, then the rating clicked', async () => {
    const [alice, bob] = await inCall(suite.browser, suite.server.baseUrl, ['alice-r1', 'bob-r1'], { initScripts: [keepPeerConnections] });
    suite.open.push(alice, bob);
    // Two stats readings on each side (the indicator shows after them): the summary has figures.
    await Promise.all([alice, bob].map((user) => user.page.getByTestId('quality-indicator').waitFor({ timeout: 10_000 })));
    const [aliceFigures, bobFigures] = await Promise.all([pageFigures(alice.page), pageFigures(bob.page)]);

    await alice.hangUp();
    await Promise.all([alice.waitForStatus('idle'), bob.waitForStatus('idle')]);
    const summaries = (await waitForReports(2)).filter((line) => line['part'] === 'summary');
    expect(summaries).toHaveLength(2);
    expect(summaries[0]['call']).toBe(summaries[1]['call']);
    for (const [role, figures] of [['caller', aliceFigures], ['callee', bobFigures]] as const) {
      const summary = summaries.find((line) => line['role'] === role);
      console.log(`${role}'s report: ${JSON.stringify(summary)}; page: ${JSON.stringify(figures)}`);
      expect(summary).toMatchObject({ path: figures.path, transport: figures.protocol, browser: { family: 'chrome' } });
      expect(summary?.['sent']['codec']).toBe(figures.videoCodec);
      // The report's last reading and the test's are at most a few seconds apart: 30 fps, 4 s.
      expect(Math.abs(summary?.['sent']['frames'] - figures.framesSent)).toBeLessThanOrEqual(120);
      expect(Math.abs(summary?.['received']['frames'] - figures.framesDecoded)).toBeLessThanOrEqual(120);
      expect(summary?.['received']['frames']).toBeGreaterThan(0);
    }
    expect(JSON.stringify(summaries)).not.toMatch(/alice-r1|bob-r1/);

    // Both are asked; alice ticks a problem and rates, bob skips. Neither blocks the next call.
    const aliceRating = alice.page.getByTestId('call-rating');
    await Promise.all([aliceRating.waitFor(), bob.page.getByTestId('call-rating').waitFor()]);
    await aliceRating.getByRole('button', { name: 'echo' }).click();
    await aliceRating.locator('[data-rating="4"]').click();
    await bob.page.getByTestId('call-rating-skip').click();
    await Promise.all([aliceRating.waitFor({ state: 'detached' }), bob.page.getByTestId('call-rating').waitFor({ state: 'detached' })]);
    const ratings = (await waitForReports(3)).filter((line) => line['part'] === 'rating');
    expect(ratings).toEqual([expect.objectContaining({ role: 'caller', rating: 4, tags: ['echo'], call: summaries[0]['call'] })]);
  }, 60_000);
});
