import { Directive, ElementRef, effect, inject, input } from '@angular/core';

/** Plays a media element's audio on the chosen output device, where the browser can (`setSinkId`). */
@Directive({ selector: 'video[duetSinkId], audio[duetSinkId]' })
export class SinkIdDirective {
  readonly duetSinkId = input<string | null>(null);
  private readonly element: HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> } =
    inject(ElementRef).nativeElement;

  constructor() {
    effect(() => {
      const sinkId = this.duetSinkId() ?? '';
      // A device that vanished meanwhile: the element keeps its current output, which is the fallback.
      this.element.setSinkId?.(sinkId).catch(() => undefined);
    });
  }
}

export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
