import { ComponentFixture, TestBed } from '@angular/core/testing';
import { UserListComponent } from './user-list.component';

describe(UserListComponent.name, () => {
  let fixture: ComponentFixture<UserListComponent>;
  const items = () => Array.from(fixture.nativeElement.querySelectorAll('[data-testid="user-item"]')) as HTMLButtonElement[];

  beforeEach(async () => {
    await TestBed.configureTestingModule({ imports: [UserListComponent] }).compileComponents();
    fixture = TestBed.createComponent(UserListComponent);
    fixture.componentRef.setInput('users', ['bob', 'Carol', 'dave']);
    fixture.componentRef.setInput('busy', new Set(['carol']));
    await fixture.whenStable();
  });

  it('says in words who is in a call, beside the name, so the item is still just the name', () => {
    expect(items().map((item) => item.textContent)).toEqual(['bob', 'Carol', 'dave']);
    const badges = Array.from(fixture.nativeElement.querySelectorAll('[data-testid="user-busy"]')) as HTMLElement[];
    expect(badges.map((badge) => badge.textContent)).toEqual(['In a call']);
    // The badge describes Carol's button, for screen readers too; nobody else is described as busy.
    const carol = items()[1];
    expect(carol.getAttribute('aria-describedby')).toBe(badges[0].id);
    expect(badges[0].closest('li')).toBe(carol.closest('li'));
    expect(items()[0].hasAttribute('aria-describedby')).toBe(false);
  });

  it('names what a click does: "Call <name>" as the accessible name and as the hover hint', () => {
    for (const item of items()) {
      expect(item.getAttribute('aria-label')).toBe(`Call ${item.textContent}`);
      expect(item.title).toBe(`Call ${item.textContent}`);
    }
  });

  it('follows who is busy as it changes', async () => {
    fixture.componentRef.setInput('busy', new Set(['bob']));
    await fixture.whenStable();
    expect(items()[0].getAttribute('aria-describedby')).not.toBeNull();
    expect(items()[1].hasAttribute('aria-describedby')).toBe(false);
    expect(fixture.nativeElement.querySelectorAll('[data-testid="user-busy"]')).toHaveLength(1);
  });
});

describe(`${UserListComponent.name}: availability`, () => {
  it('says busy and do not disturb beside the name, describing the button with every badge', async () => {
    await TestBed.configureTestingModule({ imports: [UserListComponent] }).compileComponents();
    const fixture = TestBed.createComponent(UserListComponent);
    fixture.componentRef.setInput('users', ['bob', 'Carol']);
    fixture.componentRef.setInput('availability', new Map([['bob', 'busy'], ['carol', 'dnd']]));
    fixture.componentRef.setInput('busy', new Set(['carol']));
    await fixture.whenStable();
    const carol = fixture.nativeElement.querySelectorAll('[data-testid="user-item"]')[1] as HTMLElement;
    const badges = Array.from(carol.closest('li')?.querySelectorAll('.badge') ?? []) as HTMLElement[];
    expect(badges.map((badge) => badge.textContent)).toEqual(['Do not disturb', 'In a call']);
    expect(carol.getAttribute('aria-describedby')).toBe(badges.map((badge) => badge.id).join(' '));
    expect(carol.textContent).toBe('Carol');
  });
});
