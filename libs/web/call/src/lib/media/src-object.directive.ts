import { Directive, ElementRef, effect, inject, input } from '@angular/core';

/** `srcObject` is not an attribute, so streams reach a `<video>` through this property write. */
@Directive({ selector: 'video[duetSrcObject]' })
export class SrcObjectDirective {
  readonly duetSrcObject = input<MediaStream | null>(null);
  private readonly video: HTMLVideoElement = inject(ElementRef).nativeElement;

  constructor() {
    effect(() => {
      const stream = this.duetSrcObject();
      if (this.video.srcObject === stream) return;
      this.video.srcObject = stream;
      // `autoplay` covers most cases; an explicit play() helps after a stream swap. A refusal
      // (autoplay policy) is not an error worth surfacing: the next user gesture starts it.
      if (stream) this.video.play?.()?.catch(() => undefined);
    });
  }
}
