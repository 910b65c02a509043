import { TestBed } from '@angular/core/testing';
import { stubInCallServices } from '../../testing/in-call-stubs';
import { CHAT_NOT_CONNECTED } from './chat-words';
import { ChatEntry } from './chat.service';
import { ChatPanelComponent } from './chat-panel.component';

describe(ChatPanelComponent.name, () => {
  function render() {
    const stubs = stubInCallServices();
    TestBed.configureTestingModule({ providers: stubs.providers });
    const fixture = TestBed.createComponent(ChatPanelComponent);
    fixture.componentRef.setInput('remoteUser', 'bob');
    fixture.detectChanges();
    const element: HTMLElement = fixture.nativeElement;
    const texts = (id: string) => [...element.querySelectorAll(`[data-testid="${id}"]`)].map((node) => node.textContent?.trim());
    return { stubs, fixture, texts };
  }

  afterEach(() => TestBed.resetTestingModule());

  it('says under each of your messages whether the other side confirmed it', () => {
    const { stubs, fixture, texts } = render();
    const entry = (id: number, mine: boolean, delivery?: ChatEntry['delivery']): ChatEntry => ({
      id,
      mine,
      text: `message ${id}`,
      at: 0,
      ...(delivery && { delivery }),
    });
    stubs.chat.entries.set([entry(1, true, 'delivered'), entry(2, false), entry(3, true, 'not-delivered'), entry(4, true, 'sending')]);
    fixture.detectChanges();
    expect(texts('chat-delivery')).toEqual(['Delivered', 'Not delivered: they have not confirmed it', 'Sending…']);
  });

  it('says chat is not connected while its channel is not open, instead of only greying out Send', () => {
    const { stubs, fixture, texts } = render();
    expect(texts('chat-not-connected')).toEqual([]);
    stubs.chat.ready.set(false);
    fixture.detectChanges();
    expect(texts('chat-not-connected')).toEqual([CHAT_NOT_CONNECTED]);
  });
});
