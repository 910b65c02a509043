import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/** Chrome's Document Picture-in-Picture (`window.documentPictureInPicture`), not yet in TypeScript's lib. */
export interface DocumentPictureInPictureApi {
  requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
}

/** The part of MediaSession used here; `enterpictureinpicture` is not in TypeScript's action list yet. */
export interface PipMediaSession {
  setActionHandler(action: string, handler: (() => void) | null): void;
}

/** What picture-in-picture needs from the browser; a token so unit tests hand in fakes. */
export interface PipBrowser {
  readonly document: Document;
  /** Null where the browser has no Document Picture-in-Picture (Firefox, Safari). */
  readonly documentPictureInPicture: DocumentPictureInPictureApi | null;
  readonly mediaSession: PipMediaSession | null;
}

export const PIP_BROWSER = new InjectionToken<PipBrowser>('PIP_BROWSER', {
  providedIn: 'root',
  factory: () => {
    const document = inject(DOCUMENT);
    const view = document.defaultView as (Window & { documentPictureInPicture?: DocumentPictureInPictureApi }) | null;
    return {
      document,
      documentPictureInPicture: view?.documentPictureInPicture ?? null,
      mediaSession: (view?.navigator.mediaSession as unknown as PipMediaSession | undefined) ?? null,
    };
  },
});
