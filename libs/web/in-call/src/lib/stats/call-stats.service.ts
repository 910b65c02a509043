import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { IN_CALL_CONNECTION } from '../in-call-connection';
import { CallReportService } from '../reports/call-report.service';
import { QualityVerdict, StatsSample, judgeQuality, summarizeStats } from './call-stats';

/** The panel reads stats this often, and keeps this many samples (60 s). */
export const STATS_PANEL_INTERVAL_MS = 1_000;
export const STATS_HISTORY_LENGTH = 60;
/** With the panel closed, only the one-glance indicator needs stats: half as often is enough. */
export const STATS_INDICATOR_INTERVAL_MS = 2_000;

/**
 * Call quality from `getStats()`: one reading at a time (the next is scheduled once the last has
 * been read, so a slow machine reads less often rather than piling up), every 2 s for the indicator,
 * every second with a 60-sample history while the stats panel is open. Stops with the call.
 */
@Injectable({ providedIn: 'root' })
export class CallStatsService {
  private readonly verdictState = signal<QualityVerdict | null>(null);
  private readonly historyState = signal<readonly StatsSample[]>([]);
  private pc: RTCPeerConnection | null = null;
  private previous: StatsSample | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private panelOpen = false;
  /** Each reading also feeds the call's end-of-call summary. */
  private readonly reports = inject(CallReportService);

  /** Good, fair or poor, and why; null until the call has two readings. */
  readonly verdict = this.verdictState.asReadonly();
  /** The last 60 s, oldest first; only filled while the panel is open. */
  readonly history = this.historyState.asReadonly();

  constructor() {
    inject(IN_CALL_CONNECTION)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) => this.follow(pc));
    inject(DestroyRef).onDestroy(() => this.follow(null));
  }

  setPanelOpen(open: boolean): void {
    if (open === this.panelOpen) return;
    this.panelOpen = open;
    this.historyState.set([]);
    // Read at once so the panel has numbers after one interval, not two.
    if (open && this.pc) this.schedule(0);
  }

  private follow(pc: RTCPeerConnection | null): void {
    this.pc = pc;
    this.previous = null;
    this.verdictState.set(null);
    this.historyState.set([]);
    if (pc) this.schedule(0);
    else this.stop();
  }

  private schedule(delayMs: number): void {
    this.stop();
    this.timer = setTimeout(() => void this.read(), delayMs);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async read(): Promise<void> {
    this.timer = null;
    const pc = this.pc;
    if (!pc) return;
    try {
      if (pc.connectionState === 'connected') {
        const report = await pc.getStats();
        if (pc !== this.pc) return;
        const at = performance.timeOrigin + performance.now();
        this.reports.record(pc, report, at);
        const sample = summarizeStats(report, this.previous, at);
        if (this.previous) this.verdictState.set(judgeQuality(sample));
        this.previous = sample;
        if (this.panelOpen) this.historyState.update((history) => [...history.slice(1 - STATS_HISTORY_LENGTH), sample]);
      }
    } catch (error) {
      console.debug('[stats] getStats failed', error);
    }
    if (pc === this.pc && this.timer === null) {
      this.schedule(this.panelOpen ? STATS_PANEL_INTERVAL_MS : STATS_INDICATOR_INTERVAL_MS);
    }
  }
}
