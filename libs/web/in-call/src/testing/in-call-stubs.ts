import { signal } from '@angular/core';
import { of } from 'rxjs';
import { ChatEntry, ChatService } from '../lib/chat/chat.service';
import { FileTransfer } from '../lib/files/file-transfer';
import { FileTransferService } from '../lib/files/file-transfer.service';
import { InCallChannels } from '../lib/in-call-channels';
import { CallReportService, RatingPrompt } from '../lib/reports/call-report.service';
import { QualityVerdict, StatsSample } from '../lib/stats/call-stats';
import { CallStatsService } from '../lib/stats/call-stats.service';
import { VerificationService } from '../lib/verification/verification.service';

/**
 * Stand-ins for the in-call services: UI tests (here and in libs/web/call) drive their signals and
 * watch the calls made. `providers` puts them in a TestBed.
 */
export function stubInCallServices() {
  const chat = {
    entries: signal<readonly ChatEntry[]>([]),
    unread: signal(0),
    ready: signal(true),
    maxLength: 2_000,
    send: jest.fn(() => true),
    setPanelOpen: jest.fn(),
  };
  const verification = { code: signal<string | null>(null) };
  const stats = {
    verdict: signal<QualityVerdict | null>(null),
    history: signal<readonly StatsSample[]>([]),
    setPanelOpen: jest.fn(),
  };
  const files = {
    list: signal<readonly FileTransfer[]>([]),
    ready: signal(true),
    offer: jest.fn(() => true),
    accept: jest.fn(),
    decline: jest.fn(),
    cancel: jest.fn(),
  };
  const reports = { prompt: signal<RatingPrompt | null>(null), record: jest.fn(), rate: jest.fn(), skip: jest.fn() };
  const providers = [
    { provide: InCallChannels, useValue: { channels$: of(null) } },
    { provide: ChatService, useValue: chat },
    { provide: VerificationService, useValue: verification },
    { provide: CallStatsService, useValue: stats },
    { provide: FileTransferService, useValue: files },
    { provide: CallReportService, useValue: reports },
  ];
  return { chat, verification, stats, files, reports, providers };
}
