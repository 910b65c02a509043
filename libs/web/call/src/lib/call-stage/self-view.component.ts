import { ChangeDetectionStrategy, Component, ElementRef, inject, input, output, signal } from '@angular/core';
import { SrcObjectDirective } from '../media/src-object.directive';

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
const NEXT: Record<Corner, Corner> = {
  'top-right': 'bottom-right',
  'bottom-right': 'bottom-left',
  'bottom-left': 'top-left',
  'top-left': 'top-right',
};

/** Your own video, small, in a corner; drag it (or use its button) to another corner. */
@Component({
  selector: 'duet-self-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [SrcObjectDirective],
  host: {
    '[attr.data-corner]': 'corner()',
    '[style.translate]': 'dragOffset()',
    '[class.dragging]': 'dragOffset() !== null',
    '(pointerdown)': 'startDrag($event)',
    '(pointermove)': 'drag($event)',
    '(pointerup)': 'drop($event)',
    '(pointercancel)': 'cancelDrag()',
  },
  template: `
    <video
      data-testid="local-video"
      autoplay
      playsinline
      muted
      [muted]="true"
      [class.mirror]="mirrored()"
      aria-label="Your camera"
      [duetSrcObject]="stream()"
    ></video>
    @if (cameraOff()) {
      <span class="off">Camera off</span>
    }
    <button type="button" class="move" aria-label="Move your video to another corner" (click)="moveOn()">⤢</button>
  `,
  styles: `
    :host {
      position: absolute;
      z-index: 1;
      width: clamp(6rem, 24%, 13rem);
      max-height: calc(100% - 1.5rem);
      aspect-ratio: 4 / 3;
      border-radius: calc(var(--radius) / 2);
      overflow: hidden;
      border: 2px solid rgb(255 255 255 / 60%);
      background: #111;
      touch-action: none;
      cursor: grab;
      transition: top 0.2s, left 0.2s, right 0.2s, bottom 0.2s;
    }
    :host(.dragging) { cursor: grabbing; transition: none; }
    /* Corners of the video's own box: the status row and the controls are outside it. */
    :host([data-corner='top-right']) { top: 0.75rem; right: 0.75rem; }
    :host([data-corner='top-left']) { top: 0.75rem; left: 0.75rem; }
    :host([data-corner='bottom-right']) { bottom: 0.75rem; right: 0.75rem; }
    :host([data-corner='bottom-left']) { bottom: 0.75rem; left: 0.75rem; }
    video { display: block; width: 100%; height: 100%; object-fit: cover; }
    .mirror { transform: scaleX(-1); }
    .off { position: absolute; inset: 0; display: grid; place-items: center; background: #111826; font-size: 0.8rem; }
    .move {
      position: absolute;
      right: 0.2rem;
      bottom: 0.2rem;
      min-height: 0;
      width: 1.9rem;
      height: 1.9rem;
      padding: 0;
      border-radius: 50%;
      background: rgb(10 14 22 / 75%);
      color: #fff;
      font-size: 0.9rem;
    }
    @media (max-height: 420px) {
      :host { width: clamp(5rem, 18%, 9rem); }
    }
  `,
})
export class SelfViewComponent {
  readonly stream = input<MediaStream | null>(null);
  readonly mirrored = input(true);
  readonly cameraOff = input(false);
  readonly corner = input<Corner>('top-right');
  readonly moved = output<Corner>();

  private readonly host: HTMLElement = inject(ElementRef).nativeElement;
  protected readonly dragOffset = signal<string | null>(null);
  private dragStart: { x: number; y: number; pointerId: number } | null = null;

  protected moveOn(): void {
    this.moved.emit(NEXT[this.corner()]);
  }

  protected startDrag(event: PointerEvent): void {
    if ((event.target as HTMLElement).closest('button')) return;
    this.dragStart = { x: event.clientX, y: event.clientY, pointerId: event.pointerId };
    this.host.setPointerCapture?.(event.pointerId);
  }

  protected drag(event: PointerEvent): void {
    const start = this.dragStart;
    if (!start || start.pointerId !== event.pointerId) return;
    this.dragOffset.set(`${event.clientX - start.x}px ${event.clientY - start.y}px`);
  }

  /** Snaps to the corner nearest to where it was let go. */
  protected drop(event: PointerEvent): void {
    const start = this.dragStart;
    if (!start || start.pointerId !== event.pointerId) return;
    const box = this.host.getBoundingClientRect();
    const area = this.host.parentElement?.getBoundingClientRect();
    this.cancelDrag();
    if (!area) return;
    const right = box.left + box.width / 2 > area.left + area.width / 2;
    const bottom = box.top + box.height / 2 > area.top + area.height / 2;
    this.moved.emit(`${bottom ? 'bottom' : 'top'}-${right ? 'right' : 'left'}`);
  }

  protected cancelDrag(): void {
    this.dragStart = null;
    this.dragOffset.set(null);
  }
}
