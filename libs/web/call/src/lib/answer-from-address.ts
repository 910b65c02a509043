import { DOCUMENT, Provider, inject } from '@angular/core';
import { ANSWER_KEY_PARAM, ANSWER_QUERY_PARAM, CallIdSchema } from '@duet/shared/protocol';
import { ANSWER_REQUEST, AnswerRequest } from '@duet/web/rtc';

/** Longest key read from the address (a capability is 43 characters); more is no key of Duet's. */
const MAX_KEY_LENGTH = 128;

/**
 * The app's edge of "answer from a notification": the service worker opens
 * `/?answer=<callId>&key=<capability>` (ANSWER_QUERY_PARAM, ANSWER_KEY_PARAM) when the person presses
 * Answer. Null when the address has no call id (or one that cannot be a call id). The key is hashed
 * here (SHA-256, hex, as the offer's `ringKey`); none, or no WebCrypto (an insecure context), gives a
 * null hash, which answers nothing by itself. Settling removes both parameters from the address bar
 * (and this history entry), keeping the rest of the address, so a reload does not answer again.
 */
export function answerRequestFromAddress(page: Window | null): AnswerRequest | null {
  if (page === null) return null;
  const params = new URL(page.location.href).searchParams;
  const ring = params.get(ANSWER_QUERY_PARAM);
  if (ring === null || !CallIdSchema.safeParse(ring).success) return null;
  const key = params.get(ANSWER_KEY_PARAM);
  const keyHash = key && key.length <= MAX_KEY_LENGTH && page.crypto?.subtle ? sha256Hex(page.crypto.subtle, key) : Promise.resolve(null);
  return {
    ring,
    keyHash,
    settle: () => {
      const url = new URL(page.location.href);
      url.searchParams.delete(ANSWER_QUERY_PARAM);
      url.searchParams.delete(ANSWER_KEY_PARAM);
      page.history.replaceState(page.history.state, '', url.pathname + url.search + url.hash);
    },
  };
}

async function sha256Hex(subtle: SubtleCrypto, text: string): Promise<string | null> {
  try {
    const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

/** For the app's config: the page's own address says which call, if any, it was opened to answer. */
export function provideAnswerFromAddress(): Provider {
  return { provide: ANSWER_REQUEST, useFactory: () => answerRequestFromAddress(inject(DOCUMENT).defaultView) };
}
