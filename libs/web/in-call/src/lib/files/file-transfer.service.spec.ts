import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject } from 'rxjs';
import { InCallChannels } from '../in-call-channels';
import { IN_CALL_CONNECTION } from '../in-call-connection';
import { FILE_CHUNK_BYTES, FILE_RECEIVE_WINDOW_BYTES } from './file-message';
import { FILE_SINKS, FileSink, FileSinks, FileTooBigError, IncomingFile, memorySink } from './file-sink';
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

/** A disk stand-in: records what was written, and whether the file was made final or dropped. */
class RecordingSinks implements FileSinks {
  prepared = 0;
  written: Uint8Array[] = [];
  committed = false;
  discarded = false;
  answer: 'sink' | 'cancelled' | 'too-big' | 'memory' = 'sink';
  failWrites = false;
  /** While set, writes wait for it: a disk slower than the channel. */
  gate: Promise<void> | null = null;
  offered: IncomingFile | null = null;
  prepare(): void {
    this.prepared++;
  }
  async open(file: IncomingFile): Promise<FileSink | null> {
    this.offered = file;
    if (this.answer === 'cancelled') return null;
    if (this.answer === 'too-big') throw new FileTooBigError();
    if (this.answer === 'memory') return memorySink(file);
    return {
      destination: 'chosen-file',
      write: async (bytes) => {
        if (this.failWrites) throw new Error('disk full');
        await this.gate;
        this.written.push(bytes.slice());
      },
      commit: async () => {
        this.committed = true;
        return null;
      },
      discard: async () => {
        this.discarded = true;
      },
    };
  }
}

function side() {
  const pc$ = new BehaviorSubject<RTCPeerConnection | null>(null);
  const sinks = new RecordingSinks();
  const injector = createEnvironmentInjector(
    [{ provide: IN_CALL_CONNECTION, useValue: { peerConnection$: pc$ } }, InCallChannels, { provide: FILE_SINKS, useValue: sinks }, FileTransferService],
    TestBed.inject(EnvironmentInjector),
  );
  let channel: LinkedChannel | null = null;
  const pc = {
    createDataChannel: (label: string) => {
      const opened = new LinkedChannel();
      if (label === 'files') channel = opened;
      return opened;
    },
  } as unknown as RTCPeerConnection;
  const service = injector.get(FileTransferService);
  pc$.next(pc);
  return { service, sinks, channel: channel as unknown as LinkedChannel, end: () => pc$.next(null) };
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

  it('delivers a file in chunks after an accept, checks its hash, and offers it for saving (held in memory)', async () => {
    bob.sinks.answer = 'memory';
    expect(alice.service.offer(fileOf(payload))).toBe(true);
    await until(() => status(bob) === 'incoming');
    expect(bob.service.list()[0]).toMatchObject({ name: 'a.bin', size: payload.byteLength, outgoing: false });
    bob.service.accept(bob.service.list()[0].key);
    await until(() => status(alice) === 'done');
    expect(bob.service.list()[0]).toMatchObject({ status: 'done', bytes: payload.byteLength, url: 'blob:test', destination: 'memory' });
    expect(alice.service.list()[0].bytes).toBe(payload.byteLength);
  });

  it('writes each chunk to disk as it arrives and makes the file final only after the hash matched', async () => {
    alice.service.offer(fileOf(payload, 'big.bin'));
    await until(() => status(bob) === 'incoming');
    expect(bob.sinks.prepared).toBe(1);
    await bob.service.accept(bob.service.list()[0].key);
    expect(bob.sinks.offered).toMatchObject({ name: 'big.bin', size: payload.byteLength });
    await until(() => status(alice) === 'done');
    // One write per chunk as it came, not one file assembled at the end.
    expect(bob.sinks.written.map((chunk) => chunk.byteLength)).toEqual([FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, 123]);
    expect(Buffer.concat(bob.sinks.written).equals(Buffer.from(payload))).toBe(true);
    expect(bob.sinks).toMatchObject({ committed: true, discarded: false });
    expect(bob.service.list()[0]).toMatchObject({ status: 'done', url: null, destination: 'chosen-file' });
  });

  it('keeps the sender within the window the receiver asked for while its disk is slow', async () => {
    let open: () => void = () => undefined;
    bob.sinks.gate = new Promise((resolve) => (open = resolve));
    const big = new Uint8Array(FILE_RECEIVE_WINDOW_BYTES + 4 * 1024 * 1024).map((_, i) => i % 251);
    alice.service.offer(fileOf(big));
    await until(() => status(bob) === 'incoming');
    await bob.service.accept(bob.service.list()[0].key);
    await until(() => alice.service.list()[0]?.bytes >= FILE_RECEIVE_WINDOW_BYTES);
    for (let i = 0; i < 50; i++) await new Promise((tick) => setTimeout(tick, 0));
    // Nothing is on bob's disk yet: alice stops one window (and the chunk in hand) ahead of it.
    expect(alice.service.list()[0].bytes).toBeLessThanOrEqual(FILE_RECEIVE_WINDOW_BYTES + FILE_CHUNK_BYTES);
    expect(status(alice)).toBe('sending');
    open();
    await until(() => status(alice) === 'done');
    expect(Buffer.concat(bob.sinks.written).equals(Buffer.from(big))).toBe(true);
  }, 30_000);

  it('leaves the offer open when the person cancels the save dialog', async () => {
    bob.sinks.answer = 'cancelled';
    alice.service.offer(fileOf(payload));
    await until(() => status(bob) === 'incoming');
    await bob.service.accept(bob.service.list()[0].key);
    expect(status(bob)).toBe('incoming');
    expect(status(alice)).toBe('offered');
  });

  it('declines what it could only hold in memory and is too big, saying why', async () => {
    bob.sinks.answer = 'too-big';
    alice.service.offer(fileOf(payload));
    await until(() => status(bob) === 'incoming');
    await bob.service.accept(bob.service.list()[0].key);
    expect(bob.service.list()[0]).toMatchObject({ status: 'failed', failure: 'too-big' });
    await until(() => status(alice) === 'declined');
  });

  it('stops both sides when the disk refuses a write, and drops what was written', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    bob.sinks.failWrites = true;
    alice.service.offer(fileOf(payload));
    await until(() => status(bob) === 'incoming');
    await bob.service.accept(bob.service.list()[0].key);
    await until(() => status(alice) === 'cancelled');
    expect(bob.service.list()[0]).toMatchObject({ status: 'failed', failure: 'write' });
    await until(() => bob.sinks.discarded);
    expect(bob.sinks.committed).toBe(false);
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
    // Written as it came, then dropped: never made final.
    await until(() => bob.sinks.discarded);
    expect(bob.sinks.committed).toBe(false);
  });

  it('declines, and cancels from the receiver', async () => {
    alice.service.offer(fileOf(payload, 'one'));
    await until(() => status(bob) === 'incoming');
    bob.service.decline(bob.service.list()[0].key);
    await until(() => status(alice) === 'declined');

    alice.service.offer(fileOf(payload, 'two'));
    await until(() => bob.service.list()[1]?.status === 'incoming');
    const key = bob.service.list()[1].key;
    await bob.service.accept(key);
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

  it('forgets every transfer when the call ends, dropping a half-written file', async () => {
    alice.service.offer(fileOf(payload));
    await until(() => status(bob) === 'incoming');
    await bob.service.accept(bob.service.list()[0].key);
    bob.end();
    await until(() => bob.sinks.discarded);
    expect(bob.sinks.committed).toBe(false);
    alice.end();
    expect(alice.service.list()).toEqual([]);
    expect(alice.service.ready()).toBe(false);
  });
});
