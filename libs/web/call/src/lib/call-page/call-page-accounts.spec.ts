import { ComponentFixture, DeferBlockState, TestBed } from '@angular/core/testing';
import { AccountSettings, CallRecord } from '@duet/shared/protocol';
import { ACCOUNTS_FETCH } from '@duet/web/accounts';
import { ACCOUNT_SETTINGS } from '@duet/web/accounts/shell';
import { stubServices } from '../../testing/stub-services';
import { CallPageComponent } from './call-page.component';

const MISSED: CallRecord = { id: 'r1', callId: 'c1', peer: 'carol', direction: 'incoming', outcome: 'missed', startedAt: 5_000, durationMs: 0 };

/** The lobby's accounts parts (libs/web/accounts), deferred: where the page puts them and what it wires. */
describe(`${CallPageComponent.name} accounts`, () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;
  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;

  async function lobbyWith(settings: AccountSettings | null): Promise<void> {
    stubs = stubServices();
    // jsdom has no Response: what AccountsApi reads of one.
    const history = { ok: true, status: 200, json: async () => ({ calls: [MISSED] }) } as Response;
    await TestBed.configureTestingModule({
      imports: [CallPageComponent],
      providers: [
        ...stubs.providers,
        { provide: ACCOUNT_SETTINGS, useValue: settings },
        { provide: ACCOUNTS_FETCH, useValue: async () => history },
      ],
    }).compileComponents();
    fixture = TestBed.createComponent(CallPageComponent);
    stubs.logInAs('alice');
    await fixture.whenStable();
    for (const block of await fixture.getDeferBlocks()) await block.render(DeferBlockState.Complete);
    for (let turn = 0; turn < 3; turn++) {
      await fixture.whenStable();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  afterEach(() => TestBed.resetTestingModule());

  it('without accounts, the lobby says why there is no history', async () => {
    await lobbyWith(null);
    expect(byTestId('accounts-unavailable')?.textContent).toContain('need company sign-in');
    expect(byTestId('missed-call')).toBeNull();
  });

  it('with accounts, the badge sits beside the user’s name, and "Call back" calls through the page', async () => {
    await lobbyWith({ pushPublicKey: 'BAECAwQ', invites: { defaultTtlHours: 24 } });
    const badge = byTestId('missed-call');
    expect(badge?.textContent?.trim()).toBe('1 missed call');
    expect(badge?.closest('.me')?.querySelector('[data-testid="current-user"]')?.textContent).toBe('alice');
    badge?.click();
    await fixture.whenStable();
    (byTestId('call-back-button') as HTMLButtonElement).click();
    expect(stubs.peer.call).toHaveBeenCalledWith('carol');
  });
});
