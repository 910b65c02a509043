import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { CallState } from '@duet/web/rtc';
import { SrcObjectDirective } from '../src-object.directive';

const CAPTIONS: Partial<Record<CallState, string>> = {
  calling: 'Calling',
  connecting: 'Connecting to',
  reconnecting: 'Reconnecting to',
};

@Component({
  selector: 'duet-call-stage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [SrcObjectDirective],
  template: `
    <section class="stage" [attr.aria-label]="'Call with ' + remoteUser()">
      <video
        data-testid="remote-video"
        class="remote"
        autoplay
        playsinline
        [attr.aria-label]="'Video from ' + remoteUser()"
        [duetSrcObject]="remoteStream()"
      ></video>
      @if (caption(); as text) {
        <p class="caption">{{ text }}</p>
      }
      <video
        data-testid="local-video"
        class="local"
        autoplay
        playsinline
        muted
        [muted]="true"
        aria-label="Your camera"
        [duetSrcObject]="localStream()"
      ></video>
      <button
        type="button"
        class="danger hangup"
        data-testid="hangup-button"
        [attr.aria-label]="'Hang up on ' + remoteUser()"
        (click)="hangUp.emit()"
      >
        Hang up
      </button>
    </section>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .stage {
      position: relative;
      border-radius: var(--radius);
      overflow: hidden;
      background: #000;
      aspect-ratio: 4 / 3;
      max-height: 70vh;
      width: 100%;
    }
    video { display: block; background: #111; object-fit: cover; }
    .remote { width: 100%; height: 100%; }
    .local {
      position: absolute;
      right: 0.75rem;
      top: 0.75rem;
      width: 28%;
      max-width: 12rem;
      aspect-ratio: 4 / 3;
      border-radius: calc(var(--radius) / 2);
      border: 2px solid rgb(255 255 255 / 60%);
      transform: scaleX(-1);
    }
    .caption {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      margin: 0;
      color: #fff;
      font-size: 1.2rem;
      text-shadow: 0 1px 4px #000;
    }
    .hangup { position: absolute; left: 50%; bottom: 1rem; transform: translateX(-50%); }
  `,
})
export class CallStageComponent {
  readonly state = input.required<CallState>();
  readonly remoteUser = input.required<string>();
  readonly localStream = input<MediaStream | null>(null);
  readonly remoteStream = input<MediaStream | null>(null);
  readonly hangUp = output<void>();

  protected readonly caption = computed(() => {
    const prefix = CAPTIONS[this.state()];
    return prefix ? `${prefix} ${this.remoteUser()}…` : null;
  });
}
