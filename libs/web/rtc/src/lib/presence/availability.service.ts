import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Availability, isGuestUsername } from '@duet/shared/protocol';
import { TAB_STORAGE, readPreference, writePreference } from '../media/preference-storage';
import { SignalingClient } from '../signaling/signaling-client.service';

/** This tab's availability (sessionStorage): it survives reloads and reconnects, and is sent after each login. */
export const AVAILABILITY_KEY = 'duet.availability';

const CHOICES: readonly Availability[] = ['available', 'busy', 'dnd'];

/**
 * What I say about taking calls (issue 25): `available`, `busy` or `dnd` (the server then declines
 * calls for me). The choice is this tab's, kept in its storage; the server forgets it at logout,
 * so it is sent after every login (a resumed session keeps it, and is told again anyway) and on
 * each change. Guests have none. Owns the server's `availability` answer.
 */
@Injectable({ providedIn: 'root' })
export class AvailabilityService {
  private readonly signaling = inject(SignalingClient);
  private readonly storage = inject(TAB_STORAGE);
  private readonly chosen = signal<Availability>(storedChoice(readPreference(this.storage, AVAILABILITY_KEY)));

  /** What I chose (what others see once the server has it). */
  readonly availability = this.chosen.asReadonly();

  constructor() {
    const destroyRef = inject(DestroyRef);
    // The answer only confirms what was sent: the choice shown is already the user's.
    this.signaling.claim('availability').pipe(takeUntilDestroyed(destroyRef)).subscribe();
    this.signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((session) => {
      // A fresh session is available until told otherwise: saying so would only be chatter.
      if (session !== null && (session.resumed || this.chosen() !== 'available')) this.tell(session.username);
    });
  }

  choose(availability: Availability): void {
    this.chosen.set(availability);
    writePreference(this.storage, AVAILABILITY_KEY, availability === 'available' ? null : availability);
    const me = this.signaling.session()?.username;
    if (me !== undefined) this.tell(me);
  }

  private tell(username: string): void {
    if (isGuestUsername(username)) return;
    this.signaling.send({ type: 'availability', availability: this.chosen() });
  }
}

function storedChoice(stored: string | null): Availability {
  return CHOICES.find((choice) => choice === stored) ?? 'available';
}
