/** What the picture-in-picture window's buttons do: the call's own actions. */
export interface PipWindowActions {
  toggleMicrophone(): void;
  hangUp(): void;
}

export interface PipWindowView {
  /** The mute button follows the call's microphone, whichever window it was toggled from. */
  setMuted(muted: boolean): void;
}

/**
 * The window's own layout: the video fills it, the two buttons sit under it. The stage's rules
 * for the video come along with the page's styles (absolutely placed over its box, which would
 * cover the buttons here), hence the !important.
 */
const PIP_CSS = `
  html, body { margin: 0; height: 100%; background: #000; color: #fff; font: 14px system-ui, sans-serif; }
  .duet-pip { display: flex; flex-direction: column; height: 100%; }
  .duet-pip video { position: static !important; inset: auto !important; height: auto !important; flex: 1;
    min-height: 0; width: 100%; object-fit: contain; background: #000; }
  .duet-pip [role='toolbar'] { display: flex; justify-content: center; gap: 0.75rem; padding: 0.5rem; }
  .duet-pip button { font: inherit; padding: 0.45rem 1rem; border-radius: 999px; border: 0; cursor: pointer;
    background: #3a3f47; color: #fff; }
  .duet-pip button[aria-pressed='true'] { background: #f1f3f5; color: #111; }
  .duet-pip button.danger { background: var(--danger, #c92a2a); color: #fff; }
  .duet-pip button:focus-visible { outline: 2px solid #74c0fc; outline-offset: 2px; }
`;

/**
 * Furnishes a Document Picture-in-Picture window for the call: the page's styles copied in (the
 * window starts empty), the remote `<video>` itself moved in (the caller moves it back when the
 * window closes), and real mute and hang-up buttons acting on the call.
 */
export function furnishPipWindow(
  pip: Window,
  page: Document,
  video: HTMLVideoElement,
  remoteUser: string,
  actions: PipWindowActions,
): PipWindowView {
  const doc = pip.document;
  copyStyles(page, doc);
  const style = doc.createElement('style');
  style.textContent = PIP_CSS;
  doc.head.append(style);
  doc.title = `Call with ${remoteUser}`;

  const main = doc.createElement('main');
  main.className = 'duet-pip';
  const bar = doc.createElement('div');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Call controls');
  const mute = button(doc, 'pip-mute-button', 'Mute', actions.toggleMicrophone);
  const hangUp = button(doc, 'pip-hang-up-button', 'Hang up', actions.hangUp);
  hangUp.className = 'danger'; // the page's own hang-up look
  bar.append(mute, hangUp);
  main.append(video, bar);
  doc.body.append(main);
  // Moving a playing element between documents can pause it.
  void Promise.resolve()
    .then(() => video.play())
    .catch(() => undefined);

  return {
    setMuted(muted) {
      mute.setAttribute('aria-pressed', String(muted));
      mute.textContent = muted ? 'Unmute' : 'Mute';
    },
  };
}

function button(doc: Document, testId: string, label: string, onClick: () => void): HTMLButtonElement {
  const element = doc.createElement('button');
  element.type = 'button';
  element.dataset['testid'] = testId;
  element.textContent = label;
  element.addEventListener('click', onClick);
  return element;
}

/** The page's stylesheets, as rules where readable, else linked by address (a cross-origin sheet). */
function copyStyles(page: Document, doc: Document): void {
  for (const sheet of Array.from(page.styleSheets)) {
    try {
      const style = doc.createElement('style');
      style.textContent = Array.from(sheet.cssRules, (rule) => rule.cssText).join('\n');
      doc.head.append(style);
    } catch {
      if (!sheet.href) continue;
      const link = doc.createElement('link');
      link.rel = 'stylesheet';
      link.href = sheet.href;
      doc.head.append(link);
    }
  }
}
