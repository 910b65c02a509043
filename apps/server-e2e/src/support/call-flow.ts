import { TestClient } from './test-client';

/** Call ids are the server's, unguessable: 16 URL-safe characters. */
export const CALL_ID = expect.stringMatching(/^[\w-]{16}$/);

export const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
export const ANSWER = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
export const candidate = (n: number) => ({
  candidate: `candidate:${n} 1 udp 2122260223 192.0.2.${n} 5${n}000 typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'ufrag',
});

/** `caller` calls `callee`, who answers: the call is active; its id. */
export async function callUp(caller: TestClient, callerName: string, callee: TestClient, calleeName: string): Promise<string> {
  caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
  const { callId } = await caller.next('ringing');
  await callee.next('offer');
  callee.send({ type: 'answer', answer: ANSWER, otherUsername: callerName, callId });
  await caller.next('answer');
  return callId;
}

/**
 * A whole call the way the tutorial's client makes one: offer, candidates trickled by the caller
 * while it rings, answer, candidates both ways, close. Asserts every hop.
 */
export async function completeCall(caller: TestClient, callerName: string, callee: TestClient, calleeName: string) {
  caller.skipUnread('ringing');
  caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
  // The server names the call to the caller at once, and on everything about it after.
  const ringing = await caller.next('ringing');
  const callId = ringing['callId'];
  expect(ringing).toEqual({ type: 'ringing', username: calleeName, callId: CALL_ID });
  expect(await callee.next('offer')).toEqual({ type: 'offer', offer: OFFER, username: callerName, callId });

  caller.send({ type: 'candidate', candidate: candidate(1), otherUsername: calleeName });
  expect(await callee.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(1), username: callerName, callId });

  callee.send({ type: 'answer', answer: ANSWER, otherUsername: callerName });
  expect(await caller.next('answer')).toEqual({ type: 'answer', answer: ANSWER, username: calleeName, callId });

  callee.send({ type: 'candidate', candidate: candidate(2), otherUsername: callerName });
  expect(await caller.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(2), username: calleeName, callId });
  caller.send({ type: 'candidate', candidate: candidate(3), otherUsername: calleeName });
  expect(await callee.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(3), username: callerName, callId });

  caller.send({ type: 'close', otherUsername: calleeName });
  expect(await callee.next('close')).toEqual({ type: 'close', username: callerName, reason: 'hangup', callId });
}
