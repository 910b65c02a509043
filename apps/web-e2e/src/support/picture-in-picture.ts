declare global {
  interface Window {
    __testPip?: { handler: (() => void) | null | undefined; requests: number };
    __testSetHidden?: (hidden: boolean) => void;
  }
}

/**
 * An init script (UserOptions.initScripts): headless Chromium never hides a page (a second tab, a
 * minimized window and CDP lifecycle states all leave it "visible"), so this stands in for a tab
 * switch: `__testSetHidden(true)` makes `document.visibilityState` read "hidden" and fires
 * `visibilitychange`. It also notes what the app hands MediaSession for `enterpictureinpicture` and
 * counts its Document Picture-in-Picture requests. It lives here, in the test, never in the app.
 */
export function watchPictureInPicture(): void {
  let hidden = false;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  window.__testSetHidden = (value: boolean) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const watched: { handler: (() => void) | null | undefined; requests: number } = (window.__testPip = {
    handler: undefined,
    requests: 0,
  });
  const session = navigator.mediaSession as unknown as {
    setActionHandler(action: string, handler: (() => void) | null): void;
  };
  const setActionHandler = session.setActionHandler.bind(session);
  session.setActionHandler = (action, handler) => {
    if (action === 'enterpictureinpicture') watched.handler = handler;
    setActionHandler(action, handler);
  };
  const api = (window as { documentPictureInPicture?: { requestWindow(options?: object): Promise<Window> } })
    .documentPictureInPicture;
  if (!api) return;
  const requestWindow = api.requestWindow.bind(api);
  api.requestWindow = (options) => {
    watched.requests += 1;
    return requestWindow(options);
  };
}
