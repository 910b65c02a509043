import { ComponentFixture, TestBed } from '@angular/core/testing';
import { AccountsApiError } from '../api/accounts-api';
import { SETTINGS, accountsProviders, fakeApi, mapStorage, settle } from '../../testing/fakes';
import { COPIED, COPY_FAILED, LINK_REVOKED, durationInWords, expiryChoices } from './invite-words';
import { InviteGuestComponent } from './invite-guest.component';

describe(InviteGuestComponent.name, () => {
  let fixture: ComponentFixture<InviteGuestComponent>;
  let api: ReturnType<typeof fakeApi>;
  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const allByTestId = (id: string) => Array.from(fixture.nativeElement.querySelectorAll(`[data-testid="${id}"]`)) as HTMLElement[];
  const button = (text: string) =>
    (Array.from(fixture.nativeElement.querySelectorAll('button')) as HTMLButtonElement[]).find((b) => b.textContent?.trim() === text) ?? null;
  const dialog = () => fixture.nativeElement.querySelector('dialog') as HTMLDialogElement;
  const stable = async () => {
    for (let round = 0; round < 3; round++) {
      await fixture.whenStable();
      await settle();
    }
  };

  async function render(defaultTtlHours = 24): Promise<void> {
    api = fakeApi();
    TestBed.configureTestingModule({
      imports: [InviteGuestComponent],
      providers: accountsProviders(api, mapStorage(), { ...SETTINGS, invites: { defaultTtlHours } }),
    });
    fixture = TestBed.createComponent(InviteGuestComponent);
    await stable();
  }

  afterEach(() => TestBed.resetTestingModule());

  it('offers the server default first, then an hour, a day and a week, in words', async () => {
    expect(expiryChoices(24)).toEqual([24, 1, 168]);
    expect(expiryChoices(0.004)).toEqual([0.004, 1, 24, 168]);
    expect([1, 3, 24, 72, 168, 0.5, 0.004].map(durationInWords)).toEqual([
      '1 hour', '3 hours', '1 day', '3 days', '7 days', '30 minutes', '14 seconds',
    ]);
    await render(0.004);
    const options = Array.from(fixture.nativeElement.querySelectorAll('option') as NodeListOf<HTMLOptionElement>);
    expect(options.map((option) => option.textContent)).toEqual(['14 seconds (default)', '1 hour', '1 day', '7 days']);
  });

  it('opens a dialog named by its title, makes a link with the chosen expiry, shows it as text and revokes it', async () => {
    await render();
    const open = byTestId('invite-button') as HTMLButtonElement;
    expect(open.textContent?.trim()).toBe('Invite a guest');
    open.click();
    await stable();
    expect(dialog().open).toBe(true);
    expect(dialog().getAttribute('aria-labelledby')).toBe('invite-title');
    expect(api.invites).toHaveBeenCalled();

    const select = fixture.nativeElement.querySelector('select') as HTMLSelectElement;
    select.value = '168';
    button('Create link')?.click();
    await stable();
    expect(api.createInvite).toHaveBeenCalledWith(168);
    expect(byTestId('invite-link')?.textContent).toBe('https://duet.test/join/token168');
    expect(fixture.nativeElement.textContent).toContain('Expires ');

    byTestId('invite-revoke')?.click();
    await stable();
    expect(api.revokeInvite).toHaveBeenCalledWith('i168');
    expect(fixture.nativeElement.textContent).toContain(LINK_REVOKED);
    expect(byTestId('invite-revoke')).toBeNull();
  });

  it('lists my other active links, each with its own Revoke', async () => {
    await render();
    api.invites.mockResolvedValue({
      invites: [
        { id: 'a', createdAt: 1_000, expiresAt: 90_000_000 },
        { id: 'b', createdAt: 2_000, expiresAt: 90_000_000 },
      ],
    });
    (byTestId('invite-button') as HTMLButtonElement).click();
    await stable();
    expect(allByTestId('invite-revoke')).toHaveLength(2);
    allByTestId('invite-revoke')[1].click();
    await stable();
    expect(api.revokeInvite).toHaveBeenCalledWith('b');
    expect(allByTestId('invite-revoke')).toHaveLength(1);
  });

  it('copies the link, or says to copy it by hand where the clipboard is refused; says why a link could not be made', async () => {
    await render();
    const writeText = jest.fn<Promise<void>, [string]>(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    (byTestId('invite-button') as HTMLButtonElement).click();
    button('Create link')?.click();
    await stable();
    button('Copy link')?.click();
    await stable();
    expect(writeText).toHaveBeenCalledWith('https://duet.test/join/token24');
    expect(fixture.nativeElement.textContent).toContain(COPIED);
    writeText.mockRejectedValueOnce(new Error('denied'));
    button('Copy link')?.click();
    await stable();
    expect(fixture.nativeElement.textContent).toContain(COPY_FAILED);

    api.createInvite.mockRejectedValueOnce(new AccountsApiError(0, 'Failed to fetch'));
    button('Create link')?.click();
    await stable();
    expect(fixture.nativeElement.querySelector('[role="alert"]')?.textContent).toContain('Duet could not be reached');
  });
});
