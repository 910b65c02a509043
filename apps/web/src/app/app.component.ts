import { ChangeDetectionStrategy, Component } from '@angular/core';
import { CallPageComponent } from '@duet/web/call';

@Component({
  selector: 'duet-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallPageComponent],
  template: '<duet-call-page />',
})
export class AppComponent {}
