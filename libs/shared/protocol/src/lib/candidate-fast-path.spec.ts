import fc from 'fast-check';
import { CandidateMessageSchema } from './client-messages';
import { candidateFastPath } from './parse';

/** Values near the schema's edges, so both sides of every rule are exercised. */
const edgy = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 70 }),
  fc.constantFrom('', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(128), 'a'.repeat(129), 'c'.repeat(1_024), 'c'.repeat(1_025)),
  fc.constantFrom(0, -0, 1, -1, 1_023, 1_024, 0.5, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
/** A valid frame, as browsers send them, with optional fields present or not. */
const validFrame = fc.record({
  type: fc.constant('candidate'),
  candidate: fc.record(
    {
      candidate: fc.string({ maxLength: 1_024 }),
      sdpMid: fc.option(fc.string({ maxLength: 64 })),
      sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 1_023 })),
      usernameFragment: fc.option(fc.string({ maxLength: 256 })),
    },
    { requiredKeys: ['candidate'] },
  ),
  otherUsername: fc.string({ minLength: 1, maxLength: 64 }),
  callId: fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: undefined }),
});
const candidateKeys = ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment', 'extra'] as const;
/** A valid frame with one field pushed to, or over, an edge: each rule is tested on both sides. */
const message = fc.oneof(
  validFrame,
  fc.tuple(validFrame, fc.constantFrom(...candidateKeys), edgy).map(([frame, key, value]) => ({
    ...frame,
    candidate: { ...frame.candidate, [key]: value },
  })),
  fc.tuple(validFrame, fc.constantFrom('candidate', 'otherUsername', 'username', 'callId'), edgy).map(([frame, key, value]) => ({
    ...frame,
    [key]: value,
  })),
);

describe(candidateFastPath.name, () => {
  it('accepts exactly what the schema accepts, with exactly its output', () => {
    fc.assert(
      fc.property(message, (value) => {
        // Through JSON, as frames arrive: undefined keys vanish, -0 survives as 0.
        const input = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        const fast = candidateFastPath(input);
        const schema = CandidateMessageSchema.safeParse(input);
        expect(fast !== undefined).toBe(schema.success);
        if (fast !== undefined && schema.success) expect(fast).toStrictEqual(schema.data);
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts what a browser sends', () => {
    const frame = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' },
      otherUsername: 'bob',
    };
    expect(candidateFastPath(frame)).toStrictEqual(frame);
  });
});
