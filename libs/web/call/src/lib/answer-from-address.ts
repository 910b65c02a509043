import { DOCUMENT, Provider, inject } from '@angular/core';
import { ANSWER_QUERY_PARAM, CallIdSchema } from '@duet/shared/protocol';
import { ANSWER_REQUEST, AnswerRequest } from '@duet/web/rtc';

/**
 * The app's edge of "answer from a notification": the service worker opens `/?answer=<callId>`
 * (ANSWER_QUERY_PARAM) when the person presses Answer. Null when the address has no such parameter
 * (or one that cannot be a call id). Settling removes the parameter from the address bar (and
 * this history entry), keeping the rest of the address, so a reload does not answer again.
 */
export function answerRequestFromAddress(page: Window | null): AnswerRequest | null {
  if (page === null) return null;
  const ring = new URL(page.location.href).searchParams.get(ANSWER_QUERY_PARAM);
  if (ring === null || !CallIdSchema.safeParse(ring).success) return null;
  return {
    ring,
    settle: () => {
      const url = new URL(page.location.href);
      url.searchParams.delete(ANSWER_QUERY_PARAM);
      page.history.replaceState(page.history.state, '', url.pathname + url.search + url.hash);
    },
  };
}

/** For the app's config: the page's own address says which call, if any, it was opened to answer. */
export function provideAnswerFromAddress(): Provider {
  return { provide: ANSWER_REQUEST, useFactory: () => answerRequestFromAddress(inject(DOCUMENT).defaultView) };
}
