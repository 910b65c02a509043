import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { SECURE_CONTEXT, WEBRTC_AVAILABLE } from '@duet/web/rtc';
import { INSECURE_CONTEXT_BANNER, NO_WEBRTC } from '../words';

/**
 * Says, from the first page on, that a page opened over plain http on a network address has no
 * camera, microphone, screen sharing or notifications, what still works, and how to fix it.
 * Nothing where the page is a secure context. Likewise a browser without WebRTC, where nothing works.
 */
@Component({
  selector: 'duet-secure-context-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!webrtc) {
      <aside class="banner" role="note" aria-label="No video calls in this browser" data-testid="no-webrtc">
        <span class="icon" aria-hidden="true">⚠</span>
        <p>{{ noWebrtc }}</p>
      </aside>
    } @else if (!secure) {
      <aside class="banner" role="note" aria-label="Not a secure context" data-testid="insecure-context">
        <span class="icon" aria-hidden="true">🔓</span>
        <p>{{ text }}</p>
      </aside>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .banner {
      display: flex;
      gap: 0.6rem;
      align-items: flex-start;
      padding: 0.6rem 0.9rem;
      border-radius: var(--radius);
      background: var(--warn-bg);
      color: var(--warn-fg);
      border: 1px solid var(--warn-border);
      font-size: 0.9rem;
    }
    p { margin: 0; }
  `,
})
export class SecureContextBannerComponent {
  protected readonly secure = inject(SECURE_CONTEXT);
  protected readonly text = INSECURE_CONTEXT_BANNER;
  protected readonly webrtc = inject(WEBRTC_AVAILABLE);
  protected readonly noWebrtc = NO_WEBRTC;
}
