import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type IconName =
  | 'mic'
  | 'mic-off'
  | 'camera'
  | 'camera-off'
  | 'screen'
  | 'settings'
  | 'fullscreen'
  | 'pip'
  | 'chat'
  | 'stats'
  | 'file'
  | 'hang-up';

/** Line icons drawn with the current text colour; decorative, the button carries the label. */
@Component({
  selector: 'duet-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      @switch (name()) {
        @case ('mic') {
          <rect x="9" y="3" width="6" height="11" rx="3" />
          <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
        }
        @case ('mic-off') {
          <rect x="9" y="3" width="6" height="11" rx="3" />
          <path d="M5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16" />
        }
        @case ('camera') {
          <rect x="3" y="6" width="12" height="12" rx="2" />
          <path d="M15 10l6-3v10l-6-3z" />
        }
        @case ('camera-off') {
          <rect x="3" y="6" width="12" height="12" rx="2" />
          <path d="M15 10l6-3v10l-6-3zM3 3l18 18" />
        }
        @case ('screen') {
          <rect x="3" y="4" width="18" height="12" rx="1" />
          <path d="M8 20h8M12 16v4M12 13V7M9 10l3-3 3 3" />
        }
        @case ('settings') {
          <path d="M4 7h16M4 17h16" />
          <circle cx="9" cy="7" r="2.2" />
          <circle cx="15" cy="17" r="2.2" />
        }
        @case ('fullscreen') {
          <path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" />
        }
        @case ('pip') {
          <rect x="3" y="5" width="18" height="14" rx="1" />
          <rect x="12" y="11" width="7" height="6" class="solid" />
        }
        @case ('chat') {
          <path d="M4 5h16v11H9l-5 4z" />
        }
        @case ('stats') {
          <path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />
        }
        @case ('file') {
          <path d="M6 3h8l4 4v14H6zM14 3v4h4M12 10v7M9 14l3 3 3-3" />
        }
        @case ('hang-up') {
          <path d="M3 14c5-5 13-5 18 0l-2 3-4-1v-3c-2-1-4-1-6 0v3l-4 1z" class="solid" />
        }
      }
    </svg>
  `,
  styles: `
    :host { display: inline-grid; place-items: center; }
    svg { width: 1.4rem; height: 1.4rem; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; }
    .solid { fill: currentColor; }
  `,
})
export class IconComponent {
  readonly name = input.required<IconName>();
}
