import { DOCUMENT, DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CALL_REPORTS_PATH, CallReport, CallReportTag } from '@duet/shared/protocol';
import { AUTH_TOKEN_SOURCE, SIGNALING_URL, SignalingClient } from '@duet/web/rtc';
import { IN_CALL_CONNECTION } from '../in-call-connection';
import { StatsReportLike } from '../stats/call-stats';
import { CallSummaryTracker } from './call-summary';

/** The call a rating would be about: what the prompt posts with. */
export interface RatingPrompt {
  readonly callId: string;
  readonly key: string;
}

/** A report that cannot be sent in this long is dropped: it is never worth holding anything up. */
const REPORT_TIMEOUT_MS = 10_000;

/** Posts one report (JSON) to `url`, with the Bearer token if any; resolves with the HTTP status. */
export type ReportSender = (url: string, body: string, token: string | null) => Promise<number>;

/** `fetch`, surviving the page's unload (a hang-up by closing the tab), given up after 10 s. */
export const REPORT_SENDER = new InjectionToken<ReportSender>('REPORT_SENDER', {
  providedIn: 'root',
  factory: () => async (url, body, token) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body,
      keepalive: true,
      signal: AbortSignal.timeout(REPORT_TIMEOUT_MS),
    });
    return response.status;
  },
});

/**
 * The quality loop's client side (issue 26): keeps the key the server sends at answer, sums the
 * call's stats up as the stats service reads them, posts the summary when the call ends (however
 * it ends), then offers the rating prompt. Reports are best-effort: a failure is only logged, and
 * nothing waits for them. Without a key (older server, `CALL_REPORTS=off`) nothing is sent or asked.
 */
@Injectable({ providedIn: 'root' })
export class CallReportService {
  private readonly tokens = inject(AUTH_TOKEN_SOURCE);
  private readonly send = inject(REPORT_SENDER);
  private readonly url = reportsUrlFor(inject(SIGNALING_URL));
  private readonly userAgent = inject(DOCUMENT).defaultView?.navigator.userAgent ?? '';
  private readonly promptState = signal<RatingPrompt | null>(null);
  private pc: RTCPeerConnection | null = null;
  private tracker: CallSummaryTracker | null = null;
  private key: RatingPrompt | null = null;

  /** The call to ask about, once it has ended and its summary went; null otherwise. */
  readonly prompt = this.promptState.asReadonly();

  constructor() {
    inject(SignalingClient)
      .claim('call-report-key')
      .pipe(takeUntilDestroyed())
      .subscribe(({ callId, key }) => (this.key = { callId, key }));
    inject(IN_CALL_CONNECTION)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) => this.follow(pc));
  }

  /** A `getStats()` reading of `pc` (the stats service's), for the summary. */
  record(pc: RTCPeerConnection, report: StatsReportLike, at: number): void {
    if (pc !== this.pc || this.tracker === null) return;
    if (pc.connectionState === 'connected') this.tracker.connected(at);
    this.tracker.add(report, at);
  }

  /** The person's rating (1-5) and what went wrong; the prompt closes at once. */
  rate(rating: number, tags: readonly CallReportTag[]): void {
    const prompt = this.promptState();
    this.promptState.set(null);
    if (prompt !== null) void this.post({ part: 'rating', ...prompt, rating, tags: [...tags] });
  }

  skip(): void {
    this.promptState.set(null);
  }

  private follow(pc: RTCPeerConnection | null): void {
    if (pc === this.pc) return;
    this.finish();
    this.pc = pc;
    if (pc === null) return;
    // A new call: the last one's prompt is no longer the question.
    this.promptState.set(null);
    this.key = null;
    this.tracker = new CallSummaryTracker(now());
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') this.tracker?.connected(now());
    });
  }

  /** The call that was followed ended: its summary goes now, and the rating is asked for. */
  private finish(): void {
    const summary = this.tracker?.summary(now(), this.userAgent) ?? null;
    const key = this.key;
    this.tracker = null;
    this.key = null;
    if (summary === null || key === null) return;
    void this.post({ part: 'summary', ...key, summary });
    this.promptState.set(key);
  }

  private async post(report: CallReport): Promise<void> {
    try {
      const status = await this.send(this.url, JSON.stringify(report), await this.tokens());
      if (status >= 300) console.debug(`[reports] the server refused the call's ${report.part}: ${status}`);
    } catch (error) {
      console.debug(`[reports] could not send the call's ${report.part}`, error);
    }
  }
}

/** `POST /api/call-reports` on the signaling server's origin. */
export function reportsUrlFor(signalingUrl: string): string {
  const url = new URL(signalingUrl.replace(/^ws/, 'http'));
  return `${url.origin}${CALL_REPORTS_PATH}`;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}
