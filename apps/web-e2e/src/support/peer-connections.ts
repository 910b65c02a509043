import { Page } from 'playwright-core';
import { PageDriver } from './page-driver';

declare global {
  interface Window {
    __testPeerConnections?: RTCPeerConnection[];
  }
}

/**
 * An init script (UserOptions.initScripts) that keeps every RTCPeerConnection the page creates, so
 * the test can read what the app configured and which candidate pair ICE chose. It lives here, in
 * the test, never in the app's bundle.
 */
export function keepPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const kept: RTCPeerConnection[] = (window.__testPeerConnections = []);
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      kept.push(this);
    }
  };
}

export interface SelectedPair {
  local: string;
  remote: string;
}

/** A Chromium-only spec's Playwright page, or a cross-browser spec's PageDriver (any engine). */
export type PageOrDriver = Page | PageDriver;

function evaluateIn<R, A>(target: PageOrDriver, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  return 'engine' in target ? target.evaluate(fn, arg) : (target.evaluate(fn as never, arg) as Promise<R>);
}

export interface SelectedCandidate {
  /** host, srflx, prflx or relay. */
  type: string;
  address: string;
}

/**
 * The two candidates of the pair the page's current call uses. Chromium names the pair in its
 * transport stats; Firefox has no transport stats and flags the pair itself (`selected`, non-standard).
 */
export function selectedCandidates(target: PageOrDriver): Promise<{ local: SelectedCandidate; remote: SelectedCandidate }> {
  return evaluateIn(target, async () => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    if (!pc) throw new Error('no open RTCPeerConnection (is keepPeerConnections among the init scripts?)');
    const stats: (Record<string, unknown> & { id: string; type: string })[] = [];
    (await pc.getStats()).forEach((report) => stats.push(report));
    const byId = new Map(stats.map((report) => [report.id, report]));
    const transport = stats.find((report) => report.type === 'transport' && report['selectedCandidatePairId']);
    const pair = transport
      ? byId.get(String(transport['selectedCandidatePairId']))
      : stats.find((report) => report.type === 'candidate-pair' && report['selected'] === true);
    if (!pair) throw new Error(`no selected candidate pair; connection ${pc.connectionState}`);
    const candidate = (id: unknown) => {
      const report = byId.get(String(id));
      return { type: String(report?.['candidateType']), address: String(report?.['address']) };
    };
    return { local: candidate(pair['localCandidateId']), remote: candidate(pair['remoteCandidateId']) };
  }, undefined);
}

/** The candidate types (host, srflx, prflx, relay) of the pair the page's current call uses. */
export async function selectedCandidatePair(target: PageOrDriver): Promise<SelectedPair> {
  const { local, remote } = await selectedCandidates(target);
  return { local: local.type, remote: remote.type };
}

/** The ICE servers the page's current RTCPeerConnection is configured with now (getConfiguration). */
export function configuredIceServers(target: PageOrDriver): Promise<RTCIceServer[]> {
  return evaluateIn(target, () => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    if (!pc) throw new Error('no open RTCPeerConnection');
    return pc.getConfiguration().iceServers ?? [];
  }, undefined);
}

export interface Gathering {
  candidateTypes: string[];
  /** Every icecandidateerror: STUN/TURN error code (401 Unauthorized for a refused credential) and text. */
  errors: { errorCode: number; errorText: string }[];
}

/**
 * Gathers candidates in the page with a fresh RTCPeerConnection that may only use `turn` (policy
 * relay), until gathering completes: what a browser gets from coturn for these credentials.
 */
export function gatherWithTurn(target: PageOrDriver, turn: RTCIceServer): Promise<Gathering> {
  return evaluateIn(
    target,
    (server: RTCIceServer) =>
      new Promise<Gathering>((resolve, reject) => {
        const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' });
        const result: Gathering = { candidateTypes: [], errors: [] };
        const timer = setTimeout(() => {
          pc.close();
          reject(new Error(`gathering did not complete within 20 s: ${JSON.stringify(result)}`));
        }, 20_000);
        pc.onicecandidate = ({ candidate }) => {
          if (candidate?.type) result.candidateTypes.push(candidate.type);
        };
        pc.onicecandidateerror = (event) => {
          const error = event as RTCPeerConnectionIceErrorEvent;
          result.errors.push({ errorCode: error.errorCode, errorText: error.errorText });
        };
        pc.onicegatheringstatechange = () => {
          if (pc.iceGatheringState !== 'complete') return;
          clearTimeout(timer);
          pc.close();
          resolve(result);
        };
        pc.createDataChannel('probe');
        pc.setLocalDescription().catch(reject);
      }),
    turn,
  );
}
