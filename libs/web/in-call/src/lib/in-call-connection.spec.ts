import { TestBed } from '@angular/core/testing';
import { PeerService } from '@duet/web/rtc';
import { BehaviorSubject } from 'rxjs';
import { IN_CALL_CONNECTION } from './in-call-connection';

describe('IN_CALL_CONNECTION', () => {
  it('follows the call’s connection unless a test provides its own', () => {
    const controller = { peerConnection$: new BehaviorSubject<RTCPeerConnection | null>(null) };
    TestBed.configureTestingModule({ providers: [{ provide: PeerService, useValue: controller }] });
    expect(TestBed.inject(IN_CALL_CONNECTION)).toBe(controller);
  });
});
