import { DestroyRef, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { usernameKey } from '@duet/shared/protocol';
import { RecoveryPolicy } from '../recovery/recovery-policy';
import { ServerMessageOf, SignalingClient, SignalingSession } from '../signaling/signaling-client.service';
import type { ActiveCall, CallEngine } from './call-engine';
import { errorOutcome } from './server-error';

type CallMessage = ServerMessageOf<
  'offer' | 'answer' | 'candidate' | 'close' | 'decline' | 'error' | 'ringing' | 'reconnecting' | 'reconnected'
>;

/**
 * What the server says about calls, for the CallEngine: the one owner of `offer`, `answer`,
 * `candidate`, `close`, `decline`, `error`, `ringing`, `reconnecting` and `reconnected`, and the
 * reader of every accepted login (a signaling gap ends, or a reloaded page calls back).
 *
 * The server names each call (`callId`, from `ringing`, the offer, or a resumed login); messages
 * that name another call, or the call a reloaded page left, are ignored. One call may be renamed: a
 * ring of the callee's devices (`ringing` with `devices`) that their app picks up goes on under a
 * new `callId` (`ringing` with `replaces` naming ours).
 */
export class CallMessages {
  private readonly signaling = inject(SignalingClient);
  private readonly policy = inject(RecoveryPolicy);

  constructor(private readonly engine: CallEngine) {
    const destroyRef = inject(DestroyRef);
    this.signaling
      .claim('offer', 'answer', 'candidate', 'close', 'decline', 'error', 'ringing', 'reconnecting', 'reconnected')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((message) => this.receive(message));
    this.signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((login) => this.onLogin(login));
  }

  private receive(message: CallMessage): void {
    if ('callId' in message && this.engine.rejoin.isLeftCall(message.callId)) {
      console.debug(`[call] ignored "${message.type}" of the call the old page was in`);
      return;
    }
    if (message.type === 'error') {
      const outcome = errorOutcome(message, this.engine.current?.session.remoteUser ?? null, this.engine.status.state === 'calling');
      if (outcome.action === 'end') this.engine.endCall(outcome.notice);
      else if (outcome.action === 'fail-setup') this.engine.failCall('setup-failed');
      else if (outcome.action === 'notify') this.engine.status.notify(outcome.notice);
      return;
    }
    if (message.type === 'offer') {
      this.receiveOffer(message);
      return;
    }
    const call = this.engine.callWith(message.username);
    if (!call) return;
    const continues = message.type === 'ringing' && message.replaces !== undefined && message.replaces === call.callId;
    if (!continues && message.callId !== undefined && call.callId !== null && message.callId !== call.callId) {
      console.debug(`[call] ignored "${message.type}" of another call`);
      return;
    }
    switch (message.type) {
      case 'ringing':
        this.engine.status.setRemoteUser(message.username);
        if (continues) return this.engine.ringContinued(message.callId);
        call.callId = message.callId;
        if (message.devices) this.engine.ringingDevices();
        return;
      case 'answer':
        call.dialled = null;
        if (this.engine.status.state === 'calling') this.engine.status.setCallState('connecting');
        this.engine.track(call.session.receiveDescription(message.answer));
        return;
      case 'candidate':
        this.engine.track(call.session.receiveCandidate(message.candidate));
        return;
      case 'close':
        this.receiveClose(message, call);
        return;
      case 'decline':
        this.engine.endCall({ code: message.reason === 'declined' ? 'declined' : message.reason, peer: message.username });
        return;
      case 'reconnecting':
        this.engine.status.setPeerReconnecting(true);
        return;
      case 'reconnected':
        this.engine.status.setPeerReconnecting(false);
        // After a server restart, this is when our claim was matched and the call relays again.
        call.recovery.peerClaimMatched();
        return;
    }
  }

  private receiveOffer({ username: from, offer, callId, rejoin: rejoinKey, ring, ringKey }: ServerMessageOf<'offer'>): void {
    const self = this.signaling.session()?.username;
    if (!self) return;
    this.engine.status.returnToIdle();
    const same = this.engine.callWith(from);
    if (same && callId !== undefined && same.callId !== null && callId !== same.callId) {
      // A new call from the same person: the server ended ours, whatever we missed of that.
      this.engine.endCall(null);
      this.engine.status.returnToIdle();
    }
    const call = this.engine.current;
    if (!call) {
      const rejoin = this.engine.rejoin.isRejoin(from, rejoinKey);
      const incoming = this.engine.startCall(from, self, callId ?? null);
      this.engine.status.setCallState('ringing');
      this.engine.track(incoming.receiveDescription(offer));
      // They left our call a moment ago (a reload) and call back: the call goes on without a click.
      if (rejoin) this.engine.status.notify({ code: 'peer-rejoined', peer: from });
      if (rejoin) this.engine.accept().catch((error: unknown) => this.engine.logStepFailure(error));
      else this.answerIfClaimed(ring, ringKey);
      return;
    }
    if (usernameKey(call.session.remoteUser) !== usernameKey(from)) {
      // The server answers "busy" itself; this only guards against a relay that does not.
      this.signaling.send({ type: 'decline', otherUsername: from, reason: 'busy' });
      return;
    }
    call.callId ??= callId ?? null;
    call.dialled = null;
    // Glare: they called us while we called them. Their offer means yes; negotiation sorts out who answers.
    if (this.engine.status.state === 'calling') this.engine.status.setCallState('connecting');
    this.engine.track(call.session.receiveDescription(offer));
  }

  /**
   * The person pressed Answer on this call's notification, which opened this page with the ring's
   * key: the call is accepted without a click (if it still rings once the key is checked). A link
   * without the right key (the caller's, say: it knows the ring's id) leaves the call ringing.
   */
  private answerIfClaimed(ring: string | undefined, ringKey: string | undefined): void {
    const call = this.engine.current;
    void this.engine.answering.claims(ring, ringKey).then((answered) => {
      if (!answered || this.engine.current !== call || this.engine.status.state !== 'ringing') return;
      console.debug('[call] answering the call picked up from its notification');
      this.engine.accept().catch((error: unknown) => this.engine.logStepFailure(error));
    });
  }

  private receiveClose(message: ServerMessageOf<'close'>, call: ActiveCall): void {
    const peer = message.username;
    const ringing = this.engine.status.state === 'ringing';
    if (message.reason === 'disconnected' && this.engine.status.connectedAt() !== null) {
      this.engine.rejoin.peerLeft(peer, this.policy.rejoinWindowMs(this.signaling.session()));
    }
    if (message.reason === 'timeout') this.engine.endCall({ code: ringing ? 'missed' : 'no-answer', peer });
    else if (message.reason === 'unreachable') this.engine.endCall({ code: 'unreachable', peer });
    else if (message.reason === 'hangup') this.engine.endCall({ code: ringing ? 'cancelled' : 'hung-up', peer });
    // Disconnected: they were gone for the whole resume window, or our own claim found no partner.
    else if (call.recovery.claimed) this.engine.endCall({ code: 'call-not-restored', peer });
    else if (this.engine.status.peerReconnecting()) this.engine.endCall({ code: 'peer-lost', peer });
    else this.engine.endCall({ code: 'peer-disconnected', peer });
  }

  /** Every accepted login; after a signaling gap, it says whether the server still had us. */
  private onLogin(login: SignalingSession | null): void {
    const call = this.engine.current;
    if (!login) {
      if (call) this.engine.endCall({ code: 'server-lost' });
      return;
    }
    if (!call) this.rejoinAfterReload(login);
    this.engine.awaitAnswerRequest();
    const unsent = this.engine.takeUnsentHangUp();
    if (unsent && login.resumed && login.call?.callId === unsent.callId) {
      // We hung up while offline and the server kept the call for us: say it now.
      this.signaling.send({ type: 'close', otherUsername: unsent.otherUsername, callId: unsent.callId });
    }
    if (!call) return;
    // After a fresh login the server knows nothing of a call it never named: that call is gone.
    if (call.recovery.loggedIn(login.resumed, login.call?.callId ?? null, call.callId) === 'lost') {
      this.engine.endCall({ code: 'server-lost' });
    }
  }

  /** The first login after a reload that cut a connected call short: call the same person back. */
  private rejoinAfterReload(login: SignalingSession): void {
    if (login.call) {
      // The server still held our session (its socket had dropped before the reload), call and
      // all; that call's connection went with the old page, so end it (a rejoin calls anew).
      this.signaling.send({ type: 'close', otherUsername: login.call.otherUsername, callId: login.call.callId });
      this.engine.rejoin.leftCall(login.call.callId);
    }
    const record = this.engine.rejoin.takeRecord(login.username, this.policy.rejoinWindowMs(login));
    if (!record) return;
    console.debug('[call] the page reloaded during a call; calling back');
    this.engine.rejoin.setCallbackKey(record.key);
    this.engine.dial(record.otherUsername, login.username).catch((error: unknown) => this.engine.logStepFailure(error));
    if (!this.engine.current) this.engine.rejoin.setCallbackKey(null); // the call did not start: no later call carries the key
    // After dial(): a new call clears the last notice, and this one is about the new call.
    if (this.engine.current) this.engine.status.notify({ code: 'rejoining', peer: record.otherUsername });
  }
}
