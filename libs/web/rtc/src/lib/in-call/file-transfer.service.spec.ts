import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject } from 'rxjs';
import { CallController } from '../call-controller.service';
import { FILE_CHUNK_BYTES } from './file-message';
import { FileTransferService, TransferStatus } from './file-transfer.service';

/** One end of an in-memory, ordered channel; `tamper` may change frames on the way. */
class LinkedChannel {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  peer: LinkedChannel | null = null;
  tamper: (data: unknown) => unknown = (data) => data;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  addEventListener(): void {
    // Never full: bufferedAmount stays 0.
  }
  removeEventListener(): void {
    // Nothing added.
  }
  send(data: unknown): void {
    const peer = this.peer;
    const delivered = this.tamper(data instanceof ArrayBuffer ? data.slice(0) : data);
    queueMicrotask(() => peer?.onmessage?.({ data: delivered }));
  }
  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }
}

function side() {
  const pc$ = new BehaviorSubject<RTCPeerConnection | null>(null);
  const injector = createEnvironmentInjector(
    [{ provide: CallController, useValue: { peerConnection$: pc$ } }, FileTransferService],
    TestBed.inject(EnvironmentInjector),
  );
  let channel: LinkedChannel | null = null;
  const pc = { createDataChannel: () => (channel = new LinkedChannel()) } as unknown as RTCPeerConnection;
  const service = injector.get(FileTransferService);
  pc$.next(pc);
  return { service, channel: channel as unknown as LinkedChannel, end: () => pc$.next(null) };
}

function fileOf(bytes: Uint8Array, name = 'a.bin'): File {
  return {
    name,
    size: bytes.byteLength,
    type: 'application/octet-stream',
    slice: (start: number, end: number) => ({ arrayBuffer: async () => bytes.slice(start, end).buffer }),
  } as unknown as File;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise((tick) => setTimeout(tick, 0));
  if (!check()) throw new Error('condition never held');
}

describe(FileTransferService.name, () => {
  let alice: ReturnType<typeof side>;
  let bob: ReturnType<typeof side>;
  const status = (who: typeof alice) => who.service.list()[0]?.status as TransferStatus | undefined;

  beforeEach(() => {
    URL.createObjectURL = jest.fn(() => 'blob:test');
    URL.revokeObjectURL = jest.fn();
    alice = side();
    bob = side();
    alice.channel.peer = bob.channel;
    bob.channel.peer = alice.channel;
    alice.channel.open();
    bob.channel.open();
  });

  const payload = Uint8Array.from({ length: 3 * FILE_CHUNK_BYTES + 123 }, (_, i) => (i * 7) % 256);

  it('delivers a file in chunks after an accept, checks its hash, and offers it for saving', async () => {
    expect(alice.service.offer(fileOf(payload))).toBe(true);
    await until(() => status(bob) === 'incoming');
    expect(bob.service.list()[0]).toMatchObject({ name: 'a.bin', size: payload.byteLength, outgoing: false });
    bob.service.accept(bob.service.list()[0].key);
    await until(() => status(alice) === 'done');
    expect(bob.service.list()[0]).toMatchObject({ status: 'done', bytes: payload.byteLength, url: 'blob:test' });
    expect(alice.service.list()[0].bytes).toBe(payload.byteLength);
  });

  it('reports a damaged chunk as a mismatch on both sides and offers nothing', async () => {
    let frames = 0;
    alice.channel.tamper = (data) => {
      if (data instanceof ArrayBuffer && ++frames === 2) new Uint8Array(data)[10] ^= 1;
      return data;
    };
    alice.service.offer(fileOf(payload));
    await until(() => status(bob) === 'incoming');
    bob.service.accept(bob.service.list()[0].key);
    await until(() => status(alice) === 'failed');
    expect(bob.service.list()[0]).toMatchObject({ status: 'failed', failure: 'mismatch', url: null });
    expect(alice.service.list()[0].failure).toBe('mismatch');
  });

  it('declines, and cancels from the receiver', async () => {
    alice.service.offer(fileOf(payload, 'one'));
    await until(() => status(bob) === 'incoming');
    bob.service.decline(bob.service.list()[0].key);
    await until(() => status(alice) === 'declined');

    alice.service.offer(fileOf(payload, 'two'));
    await until(() => bob.service.list()[1]?.status === 'incoming');
    const key = bob.service.list()[1].key;
    bob.service.accept(key);
    bob.service.cancel(key);
    await until(() => alice.service.list()[1]?.status === 'cancelled');
    expect(bob.service.list()[1].status).toBe('cancelled');
  });

  it('refuses bytes beyond the size offered', async () => {
    // The offer announces 10 bytes; the file that follows is bigger.
    alice.channel.tamper = (data) => (typeof data === 'string' ? data.replace(/"size":\d+/, '"size":10') : data);
    alice.service.offer(fileOf(payload));
    await until(() => status(bob) === 'incoming');
    bob.service.accept(bob.service.list()[0].key);
    await until(() => status(bob) === 'failed');
    expect(bob.service.list()[0].failure).toBe('size');
    await until(() => status(alice) === 'cancelled');
  });

  it('forgets every transfer when the call ends', async () => {
    alice.service.offer(fileOf(payload));
    alice.end();
    expect(alice.service.list()).toEqual([]);
    expect(alice.service.ready()).toBe(false);
  });
});
