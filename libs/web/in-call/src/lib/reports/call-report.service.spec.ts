import { TestBed } from '@angular/core/testing';
import { AUTH_TOKEN_SOURCE, SIGNALING_URL, SignalingClient } from '@duet/web/rtc';
import { BehaviorSubject, Subject } from 'rxjs';
import { IN_CALL_CONNECTION } from '../in-call-connection';
import { CallReportService, REPORT_SENDER } from './call-report.service';

const reading = new Map<string, unknown>([
  ['t', { id: 't', type: 'transport', selectedCandidatePairId: 'p' }],
  ['p', { id: 'p', type: 'candidate-pair', localCandidateId: 'l', currentRoundTripTime: 0.01 }],
  ['l', { id: 'l', type: 'local-candidate', candidateType: 'host', protocol: 'udp' }],
]);

describe(CallReportService.name, () => {
  let keys: Subject<{ type: 'call-report-key'; callId: string; key: string }>;
  let connection: BehaviorSubject<RTCPeerConnection | null>;
  let posted: { url: string; body: Record<string, unknown>; token: string | null }[];

  beforeEach(() => {
    keys = new Subject();
    connection = new BehaviorSubject<RTCPeerConnection | null>(null);
    posted = [];
    const sender = async (url: string, body: string, token: string | null) => {
      posted.push({ url, body: JSON.parse(body), token });
      return 204;
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: SignalingClient, useValue: { claim: () => keys } },
        { provide: AUTH_TOKEN_SOURCE, useValue: async () => 'the-token' },
        { provide: SIGNALING_URL, useValue: 'wss://duet.test/ws' },
        { provide: IN_CALL_CONNECTION, useValue: { peerConnection$: connection } },
        { provide: REPORT_SENDER, useValue: sender },
      ],
    });
  });
  afterEach(() => TestBed.resetTestingModule());

  const fakePc = () => ({ connectionState: 'connected', addEventListener: jest.fn() }) as unknown as RTCPeerConnection;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('posts the summary with the key and the token when the call ends, then asks, and posts the rating', async () => {
    const reports = TestBed.inject(CallReportService);
    const pc = fakePc();
    connection.next(pc);
    keys.next({ type: 'call-report-key', callId: 'c1', key: 'k'.repeat(32) });
    reports.record(pc, reading, 1_000);
    connection.next(null);
    await settle();
    expect(posted).toEqual([
      { url: 'https://duet.test/api/call-reports', token: 'the-token', body: expect.objectContaining({ part: 'summary', callId: 'c1', key: 'k'.repeat(32) }) },
    ]);
    expect(posted[0].body['summary']).toMatchObject({ path: 'host', transport: 'udp' });
    expect(reports.prompt()).toEqual({ callId: 'c1', key: 'k'.repeat(32) });
    reports.rate(5, ['delay']);
    await settle();
    expect(reports.prompt()).toBeNull();
    expect(posted[1].body).toEqual({ part: 'rating', callId: 'c1', key: 'k'.repeat(32), rating: 5, tags: ['delay'] });
  });

  it('sends and asks nothing without a key (CALL_REPORTS=off, an older server), and a new call clears the prompt', async () => {
    const reports = TestBed.inject(CallReportService);
    const first = fakePc();
    connection.next(first);
    reports.record(first, reading, 1_000);
    connection.next(null);
    await settle();
    expect(posted).toEqual([]);
    expect(reports.prompt()).toBeNull();

    const second = fakePc();
    connection.next(second);
    keys.next({ type: 'call-report-key', callId: 'c2', key: 'k'.repeat(32) });
    reports.record(second, reading, 2_000);
    connection.next(null);
    expect(reports.prompt()).not.toBeNull();
    connection.next(fakePc());
    expect(reports.prompt()).toBeNull();
  });
});
