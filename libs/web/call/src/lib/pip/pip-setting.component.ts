import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { PictureInPictureService } from './picture-in-picture.service';

/** "Open picture-in-picture when I switch tabs": on by default, remembered in this browser. */
@Component({
  selector: 'duet-pip-setting',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label>
      <input
        type="checkbox"
        #box
        data-testid="pip-auto-setting"
        [checked]="autoOpen()"
        (change)="set(box.checked)"
      />
      <span>Open picture-in-picture when I switch tabs</span>
    </label>
  `,
  styles: `
    label { display: flex; align-items: center; gap: 0.5rem; min-height: 2.75rem; font-size: 0.85rem; color: var(--fg); }
    input { width: 1.1rem; height: 1.1rem; margin: 0; }
  `,
})
export class PipSettingComponent {
  private readonly pip = inject(PictureInPictureService);
  protected readonly autoOpen = this.pip.autoOpen;

  protected set(on: boolean): void {
    this.pip.setAutoOpen(on);
  }
}
