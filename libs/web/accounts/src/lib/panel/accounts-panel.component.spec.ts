import { Component, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountSettings } from '@duet/shared/protocol';
import { SETTINGS, accountsProviders, fakeApi, fakePushBrowser, mapStorage, record, settle } from '../../testing/fakes';
import { NO_ACCOUNTS } from '../accounts-words';
import { MissedCallsBadgeComponent } from '../history/missed-calls-badge.component';
import { historySeenKey } from '../history/call-history.store';
import { PUSH_BROWSER } from '../push/push-browser';
import { AccountsPanelComponent } from './accounts-panel.component';

/** The lobby as the call page places them: the badge in the status row, the panel in the side column. */
@Component({
  imports: [AccountsPanelComponent, MissedCallsBadgeComponent],
  template: `
    <duet-missed-calls />
    <duet-accounts-panel [user]="user()" [canCall]="canCall()" [callActive]="callActive()" (callBack)="calledBack.push($event)" />
  `,
})
class LobbyHost {
  readonly user = signal('bob');
  readonly canCall = signal(true);
  readonly callActive = signal(false);
  readonly calledBack: string[] = [];
}

describe(AccountsPanelComponent.name, () => {
  let fixture: ComponentFixture<LobbyHost>;
  let api: ReturnType<typeof fakeApi>;
  let saved: Map<string, string>;
  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const allByTestId = (id: string) => Array.from(fixture.nativeElement.querySelectorAll(`[data-testid="${id}"]`)) as HTMLElement[];
  /** Renders, lets the services' promises settle, and renders what they changed. */
  const stable = async () => {
    for (let round = 0; round < 3; round++) {
      await fixture.whenStable();
      await settle();
    }
  };

  async function render(settings: AccountSettings | null = SETTINGS): Promise<void> {
    TestBed.configureTestingModule({
      imports: [LobbyHost],
      providers: [...accountsProviders(api, mapStorage(saved), settings), { provide: PUSH_BROWSER, useValue: fakePushBrowser().browser }],
    });
    fixture = TestBed.createComponent(LobbyHost);
    await stable();
  }

  const missed = record({ startedAt: 3_000, peer: 'alice' });
  const answered = record({ startedAt: 2_000, peer: 'carol', direction: 'outgoing', outcome: 'answered', durationMs: 75_000 });

  beforeEach(() => {
    api = fakeApi({ '': { calls: [missed, answered], next: 'p2' }, p2: { calls: [record({ startedAt: 1_000, peer: 'dave', outcome: 'declined' })] } });
    saved = new Map();
  });

  it('with no accounts on the server, says why there is no history or ringing, and asks nothing', async () => {
    await render(null);
    expect(byTestId('accounts-unavailable')?.textContent?.trim()).toBe(NO_ACCOUNTS);
    expect(byTestId('push-toggle')).toBeNull();
    expect(byTestId('missed-call')).toBeNull();
    expect(api.history).not.toHaveBeenCalled();
  });

  it('shows the missed calls at sign-in; pressing the badge opens the history and clears it for good', async () => {
    await render();
    expect(byTestId('missed-call')?.textContent?.trim()).toBe('1 missed call');
    expect(byTestId('call-history')).toBeNull();

    byTestId('missed-call')?.click();
    await stable();
    expect(byTestId('call-history')).not.toBeNull();
    expect(byTestId('history-toggle')?.getAttribute('aria-expanded')).toBe('true');
    expect(byTestId('missed-call')).toBeNull();
    expect(saved.get(historySeenKey('bob'))).toBe('3000');
    expect(document.activeElement).toBe(fixture.nativeElement.querySelector('duet-call-history'));
  });

  it('lists each call with the peer, which way, the outcome in words, the duration and when', async () => {
    await render();
    byTestId('history-toggle')?.click();
    await stable();
    const rows = allByTestId('call-history-entry');
    expect(rows.map((row) => row.querySelector('.peer')?.textContent)).toEqual(['alice', 'carol']);
    expect(rows.map((row) => row.querySelector('.detail')?.textContent)).toEqual(['Incoming · Missed', 'Outgoing · Answered, 1 min 15 s']);
    expect(rows.map((row) => row.getAttribute('data-outcome'))).toEqual(['missed', 'answered']);
    expect(rows[0].querySelector('time')?.getAttribute('datetime')).toBe(new Date(3_000).toISOString());
  });

  it('calls back from an entry, only while a call can be placed', async () => {
    await render();
    byTestId('history-toggle')?.click();
    await stable();
    const [first] = allByTestId('call-back-button') as HTMLButtonElement[];
    expect(first.getAttribute('aria-label')).toBe('Call back alice');
    first.click();
    expect(fixture.componentInstance.calledBack).toEqual(['alice']);
    fixture.componentInstance.canCall.set(false);
    await stable();
    expect((allByTestId('call-back-button') as HTMLButtonElement[]).every((button) => button.disabled)).toBe(true);
  });

  it('shows older calls on demand, and the button goes once there are none', async () => {
    await render();
    byTestId('history-toggle')?.click();
    await stable();
    const older = Array.from(fixture.nativeElement.querySelectorAll('button') as NodeListOf<HTMLButtonElement>).find(
      (button) => button.textContent?.trim() === 'Show older',
    );
    older?.click();
    await stable();
    expect(allByTestId('call-history-entry')).toHaveLength(3);
    expect(fixture.nativeElement.textContent).not.toContain('Show older');
  });

  it('clears the history only after the person confirms', async () => {
    await render();
    byTestId('history-toggle')?.click();
    await stable();
    byTestId('history-clear')?.click();
    await stable();
    expect(api.clearHistory).not.toHaveBeenCalled();
    expect(fixture.nativeElement.textContent).toContain('Clear your whole call history?');
    byTestId('history-clear-confirm')?.click();
    await stable();
    expect(api.clearHistory).toHaveBeenCalledTimes(1);
    expect(allByTestId('call-history-entry')).toHaveLength(0);
    expect(fixture.nativeElement.textContent).toContain('No calls yet.');
  });

  it('loads the history again when a call ends', async () => {
    await render();
    const before = api.history.mock.calls.length;
    fixture.componentInstance.callActive.set(true);
    await stable();
    expect(api.history).toHaveBeenCalledTimes(before);
    fixture.componentInstance.callActive.set(false);
    await stable();
    expect(api.history).toHaveBeenCalledTimes(before + 1);
  });
});
