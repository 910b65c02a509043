import { parseClientFrame, parseServerFrame } from './parse';

describe(parseClientFrame.name, () => {
  const offer = { type: 'offer', sdp: 'v=0' };

  it('accepts every message of the tutorial protocol unchanged', () => {
    const frames = [
      { type: 'login', username: 'alice' },
      { type: 'offer', offer, otherUsername: 'bob' },
      { type: 'answer', answer: { type: 'answer', sdp: 'v=0' }, otherUsername: 'bob' },
      {
        type: 'candidate',
        candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' },
        otherUsername: 'bob',
      },
      { type: 'close', otherUsername: 'bob' },
    ];
    for (const frame of frames) {
      const result = parseClientFrame(JSON.stringify(frame));
      expect(result).toEqual({ ok: true, message: frame });
    }
  });

  it('drops fields the protocol does not define, so a sender cannot smuggle a spoofed name', () => {
    const result = parseClientFrame(JSON.stringify({ type: 'offer', offer, otherUsername: 'bob', username: 'mallory' }));
    expect(result).toEqual({ ok: true, message: { type: 'offer', offer, otherUsername: 'bob' } });
  });

  it.each([
    ['a binary frame', new Uint8Array([1, 2]), 'binary-frame'],
    ['text that is not JSON', '{nope', 'invalid-json'],
    ['a JSON array', '[1,2]', 'invalid-message'],
    ['JSON null', 'null', 'invalid-message'],
    ['a JSON string', '"login"', 'invalid-message'],
    ['an object without a type', '{"username":"a"}', 'invalid-message'],
    ['a numeric type', '{"type":7}', 'invalid-message'],
    ['an unknown type', '{"type":"hello"}', 'unknown-type'],
    ['a prototype key as type', '{"type":"__proto__"}', 'unknown-type'],
    ['a login with an odd name', '{"type":"login","username":"a b"}', 'invalid-message'],
    ['a login with an overlong name', `{"type":"login","username":"${'a'.repeat(65)}"}`, 'invalid-message'],
    ['an offer without a target', `{"type":"offer","offer":{"type":"offer","sdp":""}}`, 'invalid-message'],
    ['an offer whose SDP is an answer', `{"type":"offer","offer":{"type":"answer","sdp":""},"otherUsername":"b"}`, 'invalid-message'],
    ['a candidate that is a string', `{"type":"candidate","candidate":"x","otherUsername":"b"}`, 'invalid-message'],
    ['a search without a prefix', '{"type":"search"}', 'invalid-message'],
    ['a search for what no name holds', '{"type":"search","prefix":"a b"}', 'invalid-message'],
    ['a token that is empty', '{"type":"token","token":""}', 'invalid-message'],
    ['a token over 16 KiB', `{"type":"token","token":"${'t'.repeat(16_385)}"}`, 'invalid-message'],
    ['a search longer than any name', `{"type":"search","prefix":"${'a'.repeat(65)}"}`, 'invalid-message'],
  ] as const)('rejects %s with code %s', (_label, frame, code) => {
    const result = parseClientFrame(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violation.code).toBe(code);
  });

  it('accepts a name-less login (the credentials name the user) and a token of up to 16 KiB', () => {
    expect(parseClientFrame('{"type":"login"}')).toEqual({ ok: true, message: { type: 'login' } });
    const token = 't'.repeat(16_384);
    expect(parseClientFrame(JSON.stringify({ type: 'token', token }))).toEqual({ ok: true, message: { type: 'token', token } });
  });

  it('accepts a search for the start of a name, or for nothing (the first names)', () => {
    for (const prefix of ['Al', '', 'a.b_c-9', 'alice@con']) {
      expect(parseClientFrame(JSON.stringify({ type: 'search', prefix }))).toEqual({ ok: true, message: { type: 'search', prefix } });
    }
  });

  it("accepts a guest's own wire name in a login (the server holds it to the token), and no malformed one", () => {
    for (const username of ['guest:alice:Bob Smith', 'guest:alice@contoso.com:Zoë: <3']) {
      expect(parseClientFrame(JSON.stringify({ type: 'login', username }))).toEqual({ ok: true, message: { type: 'login', username } });
    }
    for (const username of ['guest:alice', 'guest:alice: Bob', 'guest:alice:Bo\u200bb', 'guest:a b:Bob', `guest:alice:${'x'.repeat(41)}`]) {
      expect(parseClientFrame(JSON.stringify({ type: 'login', username }))).toMatchObject({ ok: false, violation: { code: 'invalid-message', replyTo: 'login' } });
    }
  });

  it('names the offending field and the message type in the violation', () => {
    const result = parseClientFrame('{"type":"candidate","candidate":{"candidate":5},"otherUsername":"b"}');
    expect(result).toMatchObject({ ok: false, violation: { code: 'invalid-message', replyTo: 'candidate' } });
    if (!result.ok) expect(result.violation.message).toContain('candidate.candidate');
  });

  // Recorded with classic zod before the move to zod/mini (30,000 generated frames gave identical
  // replies); clients may show these, so they stay word for word.
  it.each([
    ['{"type":"login","username":null}', 'username: Invalid input: expected string, received null'],
    ['{"type":"login","username":"a b"}', 'username: must be 1-64 characters: letters, digits, ".", "_", "-" or "@", starting with a letter or digit'],
    ['{"type":"offer","offer":{"type":"answer","sdp":""},"otherUsername":"b"}', 'offer.type: Invalid input: expected "offer"'],
    [`{"type":"offer","offer":{"type":"offer","sdp":"${'s'.repeat(32_769)}"},"otherUsername":"b"}`, 'offer.sdp: Too big: expected string to have <=32768 characters'],
    ['{"type":"close","otherUsername":""}', 'otherUsername: Too small: expected string to have >=1 characters'],
    ['{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":1.5},"otherUsername":"b"}', 'candidate.sdpMLineIndex: Invalid input: expected int, received number'],
    ['{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":-1},"otherUsername":"b"}', 'candidate.sdpMLineIndex: Too small: expected number to be >=0'],
    ['{"type":"decline","otherUsername":"b","reason":"nope"}', 'reason: Invalid option: expected one of "declined"|"busy"|"dnd"'],
  ])('replies to %s with the same words as ever', (frame, message) => {
    expect(parseClientFrame(frame)).toMatchObject({ ok: false, violation: { code: 'invalid-message', message } });
  });

  it('never echoes a long hostile type back in full', () => {
    const result = parseClientFrame(JSON.stringify({ type: 'x'.repeat(5000) }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violation.message.length).toBeLessThan(100);
  });
});

describe(parseServerFrame.name, () => {
  it('accepts a login result and a relayed candidate', () => {
    expect(parseServerFrame('{"type":"login","success":true,"username":"a","iceServers":[]}').ok).toBe(true);
    expect(parseServerFrame('{"type":"candidate","candidate":{"candidate":""},"username":"a"}').ok).toBe(true);
  });

  it('rejects a message the server never sends', () => {
    expect(parseServerFrame('{"type":"offer","offer":{"type":"offer","sdp":""}}').ok).toBe(false);
    expect(parseServerFrame('{"type":"login","success":"yes"}').ok).toBe(false);
  });

  it("takes a picked-up offer's ringKey only as a SHA-256 in lower-case hex", () => {
    const offer = (ringKey: string) =>
      parseServerFrame(JSON.stringify({ type: 'offer', offer: { type: 'offer', sdp: '' }, username: 'a', callId: 'c', ring: 'r', ringKey }));
    expect(offer('0123456789abcdef'.repeat(4))).toEqual({ ok: true, message: expect.objectContaining({ ringKey: '0123456789abcdef'.repeat(4) }) });
    for (const bad of ['', 'ABCDEF'.padEnd(64, '0'), 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64)]) expect(offer(bad).ok).toBe(false);
  });
});
