import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FileOfferNoticeComponent } from './file-offer-notice.component';
import { FileTransfer } from './file-transfer';
import { FileTransferService } from './file-transfer.service';
import { FilesPanelComponent } from './files-panel.component';

const offer: FileTransfer = {
  key: 'in-1', outgoing: false, name: 'notes.txt', size: 2_000_000, mime: 'text/plain',
  status: 'incoming', failure: null, bytes: 0, bytesPerSecond: null, url: null, destination: null,
};

function setUp() {
  const files = {
    list: signal<readonly FileTransfer[]>([offer]),
    ready: signal(true),
    accept: jest.fn(),
    decline: jest.fn(),
    cancel: jest.fn(),
    offer: jest.fn(),
  };
  TestBed.configureTestingModule({ providers: [{ provide: FileTransferService, useValue: files }] });
  return files;
}

describe(FileOfferNoticeComponent.name, () => {
  it('says who sends which file and how big, and answers it', async () => {
    const files = setUp();
    const fixture = TestBed.createComponent(FileOfferNoticeComponent);
    fixture.componentRef.setInput('remoteUser', 'ann');
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    expect(element.querySelector('[data-testid="file-offer"]')?.textContent).toContain('ann wants to send you “notes.txt” (2.0 MB).');
    element.querySelector<HTMLButtonElement>('[data-testid="file-accept"]')?.click();
    expect(files.accept).toHaveBeenCalledWith('in-1');
    element.querySelector<HTMLButtonElement>('[data-testid="file-decline"]')?.click();
    expect(files.decline).toHaveBeenCalledWith('in-1');

    files.list.set([{ ...offer, status: 'receiving' }]);
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="file-offer"]')).toBeNull();
  });
});

describe(FilesPanelComponent.name, () => {
  it('keeps the file input as the one control behind a button-like label, and answers offers only while open', async () => {
    setUp();
    const fixture = TestBed.createComponent(FilesPanelComponent);
    fixture.componentRef.setInput('remoteUser', 'ann');
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    const input = element.querySelector<HTMLInputElement>('input[type="file"][data-testid="file-input"]');
    expect(input?.closest('label')?.querySelector('.button')?.textContent).toBe('Send a file');
    expect(input?.getAttribute('aria-label')).toBe('Send a file');
    expect(element.querySelector('[data-testid="file-transfer"]')?.textContent).toContain('ann wants to send you this file.');
    // Closed (hidden), the stage's notice holds the buttons: never two of them in the page.
    expect(element.querySelector('[data-testid="file-accept"]')).toBeNull();
    fixture.componentRef.setInput('open', true);
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="file-accept"]')).not.toBeNull();
  });

  it('offers a verified file with a Save that is styled as a button', async () => {
    const files = setUp();
    files.list.set([{ ...offer, status: 'done', bytes: offer.size, url: 'blob:http://localhost/x' }]);
    const fixture = TestBed.createComponent(FilesPanelComponent);
    fixture.componentRef.setInput('remoteUser', 'ann');
    await fixture.whenStable();
    const save = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="file-save"]');
    expect(save?.classList).toContain('button');
    expect(save?.getAttribute('download')).toBe('notes.txt');
  });
});
