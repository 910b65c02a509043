import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { LoginFailureMessage, ServerMessage, isValidUsername, usernameKey } from '@duet/shared/protocol';
import { CallClosedError, PeerService, SignalingClient } from '@duet/web/rtc';

const INVALID_NAME =
  'Invalid name: use 1–32 letters, digits, ".", "_" or "-", starting with a letter or digit.';

/**
 * What the call page shows and what it can do: login, who is online, the call and one notice.
 * Components stay presentational; every decision lives here or in the rtc services.
 */
@Injectable({ providedIn: 'root' })
export class CallFacade {
  private readonly signaling = inject(SignalingClient);
  private readonly peer = inject(PeerService);

  private readonly onlineUsers = signal<readonly string[]>([]);
  private readonly lastNotice = signal<string | null>(null);
  private readonly loggingIn = signal(false);

  readonly connectionState = this.signaling.connectionState;
  readonly currentUser = computed(() => this.signaling.session()?.username ?? null);
  readonly users = this.onlineUsers.asReadonly();
  readonly loginPending = this.loggingIn.asReadonly();
  readonly callState = this.peer.callState;
  readonly remoteUser = this.peer.remoteUser;
  readonly localStream = this.peer.localStream;
  readonly remoteStream = this.peer.remoteStream;
  /** An unreachable server outranks anything else worth saying. */
  readonly notice = computed(() =>
    this.connectionState() === 'reconnecting'
      ? 'Server unreachable: reconnecting…'
      : this.lastNotice(),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.signaling.messages$.pipe(takeUntilDestroyed(destroyRef)).subscribe((message) => this.receive(message));
    this.peer.notices$.pipe(takeUntilDestroyed(destroyRef)).subscribe((notice) => this.lastNotice.set(notice.message));
  }

  connect(): void {
    this.signaling.connect();
  }

  logIn(name: string): void {
    const username = name.trim();
    if (!isValidUsername(username)) {
      this.lastNotice.set(INVALID_NAME);
      return;
    }
    this.lastNotice.set(null);
    this.loggingIn.set(true);
    this.signaling.logIn(username);
  }

  call(name: string): void {
    this.lastNotice.set(null);
    this.peer.call(name).catch((error: unknown) => this.lastNotice.set(describe(error)));
  }

  accept(): void {
    this.peer.accept().catch((error: unknown) => this.lastNotice.set(describe(error)));
  }

  decline(): void {
    try {
      this.peer.decline();
    } catch (error) {
      this.lastNotice.set(describe(error));
    }
  }

  hangUp(): void {
    this.peer.hangUp();
  }

  dismissNotice(): void {
    this.lastNotice.set(null);
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'login':
        this.loggingIn.set(false);
        if (message.success) this.lastNotice.set(null);
        else this.lastNotice.set(loginFailure(message));
        return;
      case 'users':
        this.onlineUsers.set(sorted(message.users.filter((name) => !this.isSelf(name))));
        return;
      case 'presence':
        if (this.isSelf(message.username)) return;
        this.onlineUsers.update((users) => {
          const others = users.filter((name) => usernameKey(name) !== usernameKey(message.username));
          return message.online ? sorted([...others, message.username]) : others;
        });
        return;
      case 'error':
        if (message.code === 'not-logged-in') this.lastNotice.set('You are not logged in. Log in again.');
        return;
      default:
        return;
    }
  }

  private isSelf(name: string): boolean {
    const me = this.currentUser();
    return me !== null && usernameKey(me) === usernameKey(name);
  }
}

function loginFailure(message: LoginFailureMessage): string {
  switch (message.reason) {
    case 'taken':
      return 'That name is taken: pick another.';
    case 'forbidden':
      return `You are signed in under another name: ${message.message}.`;
    default:
      return INVALID_NAME;
  }
}

function sorted(names: string[]): string[] {
  return names.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
}

function describe(error: unknown): string {
  if (error instanceof CallClosedError) return 'That call has already ended.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}
