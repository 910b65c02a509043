import { ApplicationInitStatus, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { PeerService, SignalingClient } from '@duet/web/rtc';
import { Subject } from 'rxjs';
import { AppComponent } from './app.component';
import { appConfig } from './app.config';

describe(AppComponent.name, () => {
  beforeEach(async () => {
    const signaling = {
      messages$: new Subject(),
      connectionState: signal('connecting'),
      session: signal(null),
      connect: jest.fn(),
    };
    const peer = {
      notices$: new Subject(),
      callState: signal('idle'),
      remoteUser: signal(null),
      localStream: signal(null),
      remoteStream: signal(null),
      inboundVideoStats: jest.fn(async () => null),
    };
    await TestBed.configureTestingModule({
      imports: [AppComponent],
      providers: [
        ...appConfig.providers,
        { provide: SignalingClient, useValue: signaling },
        { provide: PeerService, useValue: peer },
      ],
    }).compileComponents();
  });

  afterEach(() => delete window.__duet);

  it('opens on the call page, asking for a name', async () => {
    const fixture = TestBed.createComponent(AppComponent);
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;
    expect(page.querySelector('duet-call-page')).not.toBeNull();
    expect(page.querySelector('[data-testid="username-input"]')).not.toBeNull();
  });

  it('installs the read-only test hook for the browser tests', async () => {
    TestBed.createComponent(AppComponent);
    await TestBed.inject(ApplicationInitStatus).donePromise;
    expect(window.__duet?.callState()).toBe('idle');
    expect(Object.isFrozen(window.__duet)).toBe(true);
    await expect(window.__duet?.inboundVideoStats()).resolves.toBeNull();
  });
});
