import { Directive, afterNextRender, output } from '@angular/core';

/**
 * Says when its element has been drawn. The page's focus follows the screen, but a part that comes
 * as its own chunk (@defer) is drawn a moment after the screen changed: this tells the page to look
 * for the focus target again.
 */
@Directive({ selector: '[duetShown]' })
export class ShownDirective {
  readonly duetShown = output<void>();

  constructor() {
    afterNextRender(() => this.duetShown.emit());
  }
}
