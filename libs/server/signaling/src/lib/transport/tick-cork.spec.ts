import { PassThrough } from 'node:stream';
import { corkUntilTickEnds } from './tick-cork';

describe(corkUntilTickEnds.name, () => {
  it("holds each stream's writes until the tick ends, then lets each leave in one write", async () => {
    const streams = [new PassThrough(), new PassThrough()];
    const writes = streams.map((stream) => {
      const seen: string[] = [];
      // `writev` is what a corked stream calls with everything it held.
      const real = stream._writev?.bind(stream);
      stream._writev = (chunks, callback) => {
        seen.push(chunks.map(({ chunk }) => String(chunk)).join('|'));
        if (real) real(chunks, callback);
        else callback();
      };
      return seen;
    });
    for (const [index, stream] of streams.entries()) {
      corkUntilTickEnds(stream);
      stream.write(`a${index}`);
      corkUntilTickEnds(stream);
      stream.write(`b${index}`);
    }
    expect(streams.map((stream) => stream.writableCorked)).toEqual([1, 1]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(streams.map((stream) => stream.writableCorked)).toEqual([0, 0]);
    expect(writes).toEqual([['a0|b0'], ['a1|b1']]);
  });
});
