import { TestBed } from '@angular/core/testing';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from '@duet/web/rtc';
import { AppComponent } from './app.component';
import { appConfig } from './app.config';

describe(AppComponent.name, () => {
  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [AppComponent],
      providers: [
        ...appConfig().providers,
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        // A socket that never opens: the page must still render its login form.
        { provide: WEB_SOCKET_FACTORY, useValue: () => ({ close: () => undefined }) as unknown as WebSocket },
      ],
    }).compileComponents();
  });

  it('opens on the call page, asking for a name', async () => {
    const fixture = TestBed.createComponent(AppComponent);
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;
    expect(page.querySelector('duet-call-page')).not.toBeNull();
    expect(page.querySelector('[data-testid="username-input"]')).not.toBeNull();
  });

  it('puts no test probe on the page', () => {
    TestBed.createComponent(AppComponent);
    expect(Object.keys(window).filter((key) => key.startsWith('__duet'))).toEqual([]);
  });
});
