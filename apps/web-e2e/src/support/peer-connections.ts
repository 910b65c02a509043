import { Page } from 'playwright-core';

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

/** The candidate types (host, srflx, prflx, relay) of the pair the page's current call uses. */
export function selectedCandidatePair(page: Page): Promise<SelectedPair> {
  return page.evaluate(async () => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    if (!pc) throw new Error('no open RTCPeerConnection (is keepPeerConnections among the init scripts?)');
    const stats: (Record<string, unknown> & { id: string; type: string })[] = [];
    (await pc.getStats()).forEach((report) => stats.push(report));
    const byId = new Map(stats.map((report) => [report.id, report]));
    const transport = stats.find((report) => report.type === 'transport' && report['selectedCandidatePairId']);
    const pair = transport ? byId.get(String(transport['selectedCandidatePairId'])) : undefined;
    if (!pair) throw new Error(`no selected candidate pair; connection ${pc.connectionState}`);
    return {
      local: String(byId.get(String(pair['localCandidateId']))?.['candidateType']),
      remote: String(byId.get(String(pair['remoteCandidateId']))?.['candidateType']),
    };
  });
}

/** The ICE servers the page's current RTCPeerConnection is configured with now (getConfiguration). */
export function configuredIceServers(page: Page): Promise<RTCIceServer[]> {
  return page.evaluate(() => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    if (!pc) throw new Error('no open RTCPeerConnection');
    return pc.getConfiguration().iceServers ?? [];
  });
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
export function gatherWithTurn(page: Page, turn: RTCIceServer): Promise<Gathering> {
  return page.evaluate(
    (server) =>
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
