import { DOCUMENT, InjectionToken, inject } from '@angular/core';
import { AdmissionVerdict } from '../recovery/reconnect-policy';
import { SIGNALING_URL } from '../media/rtc-environment';

/** Asks the server whether an upgrade with `token` would be accepted now. Never rejects. */
export type AdmissionCheck = (token: string | null) => Promise<AdmissionVerdict>;

/** A hung request is as good as no answer: an outage. */
const ADMISSION_TIMEOUT_MS = 5_000;

/**
 * Browsers hide a refused upgrade's HTTP status, so after a socket fails to open the client asks
 * `GET /ws/admission` with the same credentials. The page names its origin (a same-origin GET
 * carries no `Origin` header, yet the upgrade does).
 */
export const ADMISSION_CHECK = new InjectionToken<AdmissionCheck>('ADMISSION_CHECK', {
  providedIn: 'root',
  factory: () => {
    const url = admissionUrlFor(inject(SIGNALING_URL), inject(DOCUMENT).location.origin);
    return (token) => checkAdmission(url, token);
  },
});

export function admissionUrlFor(signalingUrl: string, pageOrigin: string): string {
  const url = new URL(signalingUrl.replace(/^ws/, 'http'));
  url.pathname = `${url.pathname.replace(/\/$/, '')}/admission`;
  url.searchParams.set('origin', pageOrigin);
  return url.toString();
}

async function checkAdmission(url: string, token: string | null): Promise<AdmissionVerdict> {
  try {
    const response = await fetch(url, {
      cache: 'no-store',
      headers: token === null ? {} : { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(ADMISSION_TIMEOUT_MS),
    });
    return response.ok ? { kind: 'admitted' } : { kind: 'refused', status: response.status };
  } catch {
    return { kind: 'unreachable' };
  }
}
