/**
 * The frames the load generator sends: realistic sizes, shapes exactly as the browser app sends
 * them. Candidate frames are built by string concatenation around a sequence number (the ICE
 * foundation), so the sender pays no `JSON.stringify` and the receiver can find the number cheaply.
 */

/** A Chrome-like audio+video offer/answer body (bundle, rtcp-mux, Opus, VP8/VP9/H264 with RTX): ~4 kB. */
export function sessionDescription(kind: 'offer' | 'answer', id: number): string {
  const ufrag = `u${(id % 9000) + 1000}`;
  const fingerprint = Array.from({ length: 32 }, (_, i) => ((id + i * 7) % 256).toString(16).padStart(2, '0'))
    .join(':')
    .toUpperCase();
  const setup = kind === 'offer' ? 'actpass' : 'active';
  const common = (mid: number) => [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:p${id}AbCdEfGhIjKlMnOpQrStUvWx`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    `a=setup:${setup}`,
    `a=mid:${mid}`,
  ];
  const audio = [
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    ...common(0),
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    `a=msid:stream${id} audio${id}`,
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${1000000 + id} cname:c${id}AbCdEfGhIjKl`,
    `a=ssrc:${1000000 + id} msid:stream${id} audio${id}`,
  ];
  const videoCodecs: [number, string, string | undefined][] = [
    [96, 'VP8/90000', undefined],
    [98, 'VP9/90000', 'profile-id=0'],
    [100, 'VP9/90000', 'profile-id=2'],
    [102, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f'],
    [104, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f'],
    [106, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'],
    [108, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f'],
    [45, 'AV1/90000', 'level-idx=5;profile=0;tier=0'],
  ];
  const video = [
    `m=video 9 UDP/TLS/RTP/SAVPF ${videoCodecs.flatMap(([pt]) => [pt, pt + 1]).join(' ')} 116 117`,
    ...common(1),
    'a=extmap:14 urn:ietf:params:rtp-hdrext:toffset',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:13 urn:3gpp:video-orientation',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
    'a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type',
    'a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
    'a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
    'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
    'a=sendrecv',
    `a=msid:stream${id} video${id}`,
    'a=rtcp-mux',
    'a=rtcp-rsize',
    ...videoCodecs.flatMap(([pt, codec, fmtp]) => [
      `a=rtpmap:${pt} ${codec}`,
      'a=rtcp-fb:' + pt + ' goog-remb',
      'a=rtcp-fb:' + pt + ' transport-cc',
      'a=rtcp-fb:' + pt + ' ccm fir',
      'a=rtcp-fb:' + pt + ' nack',
      'a=rtcp-fb:' + pt + ' nack pli',
      ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
      `a=rtpmap:${pt + 1} rtx/90000`,
      `a=fmtp:${pt + 1} apt=${pt}`,
    ]),
    'a=rtpmap:116 red/90000',
    'a=rtpmap:117 ulpfec/90000',
    `a=ssrc-group:FID ${2000000 + id} ${3000000 + id}`,
    `a=ssrc:${2000000 + id} cname:c${id}AbCdEfGhIjKl`,
    `a=ssrc:${2000000 + id} msid:stream${id} video${id}`,
    `a=ssrc:${3000000 + id} cname:c${id}AbCdEfGhIjKl`,
    `a=ssrc:${3000000 + id} msid:stream${id} video${id}`,
  ];
  return [
    'v=0',
    `o=- ${4611686018427387 + id} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    `a=msid-semantic: WMS stream${id}`,
    ...audio,
    ...video,
    '',
  ].join('\r\n');
}

export function offerFrame(to: string, id: number): string {
  return JSON.stringify({ type: 'offer', offer: { type: 'offer', sdp: sessionDescription('offer', id) }, otherUsername: to });
}

export function answerFrame(to: string, id: number): string {
  return JSON.stringify({
    type: 'answer',
    answer: { type: 'answer', sdp: sessionDescription('answer', id) },
    otherUsername: to,
  });
}

export function loginFrame(username: string): string {
  return JSON.stringify({ type: 'login', username });
}

export function closeFrame(to: string): string {
  return JSON.stringify({ type: 'close', otherUsername: to });
}

/** What a browser's `JSON.stringify(event.candidate)` gives. */
export interface CandidateInit {
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
  usernameFragment: string;
}

/** No padding: Chrome-like candidates, alternately host (~185 B as JSON) and server-reflexive (~216 B). */
export const NATURAL_PAYLOAD = 0;
/**
 * The largest candidate object (as JSON) the load generator builds. Duet refuses a candidate string
 * over 1,024 characters or a `usernameFragment` over 256 (`CANDIDATE_MAX_LENGTH` in the shared
 * protocol), so an object of about 1.3 KB is as large as a valid candidate gets: a 2 KiB one would be
 * answered with an error, not relayed.
 */
export const MAX_PAYLOAD = 1_300;
const CANDIDATE_PAD_ROOM = 1_000;

/**
 * The candidate with foundation `seq` from connection number `conn`: alternately host and
 * server-reflexive, as Chrome trickles them (~120–190 characters). With `payload` > 0 the object is
 * padded to about that many bytes of JSON: an ICE extension attribute (`x-pad …`) at the end of the
 * candidate string first, then a longer `usernameFragment` (both still valid for Duet).
 */
export function candidateInit(seq: number, conn: number, payload = NATURAL_PAYLOAD): CandidateInit {
  const { candidateTail: tail, ufrag } = padded(conn, seq % 2 === 1, payload);
  return { candidate: `candidate:${seq}${tail}`, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: ufrag };
}

function candidateTail(conn: number, srflx: boolean): string {
  const ufrag = `u${(conn % 9000) + 1000}`;
  const port = 50000 + (conn % 15000);
  const octet = (conn % 250) + 1;
  return srflx
    ? ` 1 udp 1686052607 203.0.113.${octet} ${port} typ srflx raddr 10.0.${octet}.7 rport ${port} generation 0 ufrag ${ufrag} network-id 1 network-cost 10`
    : ` 1 udp 2122260223 10.0.${octet}.7 ${port} typ host generation 0 ufrag ${ufrag} network-id 1 network-cost 10`;
}

/** The candidate string's tail (after the foundation) and the ufrag, padded so the object is ~`payload` bytes (a 4-digit foundation). */
function padded(conn: number, srflx: boolean, payload: number): { candidateTail: string; ufrag: string } {
  const ufrag = `u${(conn % 9000) + 1000}`;
  const tail = candidateTail(conn, srflx);
  const natural = JSON.stringify({ candidate: `candidate:1000${tail}`, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: ufrag }).length;
  let missing = Math.min(payload, MAX_PAYLOAD) - natural;
  if (missing <= 0) return { candidateTail: tail, ufrag };
  const room = CANDIDATE_PAD_ROOM - `candidate:1000${tail}`.length - ' x-pad '.length;
  const inCandidate = Math.min(missing, room + ' x-pad '.length);
  const paddedTail = inCandidate > ' x-pad '.length ? `${tail} x-pad ${'p'.repeat(inCandidate - ' x-pad '.length)}` : tail;
  missing -= paddedTail.length - tail.length;
  return { candidateTail: paddedTail, ufrag: missing > 0 ? `${ufrag}${'f'.repeat(Math.min(missing, 250))}` : ufrag };
}

const CANDIDATE_HEAD = '{"type":"candidate","candidate":{"candidate":"candidate:';

/**
 * Builds candidate frames from connection `conn` to `to` by concatenation; `frame(seq)` equals
 * `JSON.stringify({type:'candidate', candidate: candidateInit(seq, conn, payload), otherUsername: to})`.
 */
export function candidateFramer(conn: number, to: string, payload = NATURAL_PAYLOAD): (seq: number) => string {
  const [hostTail, srflxTail] = frameTails(conn, to, payload);
  return (seq) => CANDIDATE_HEAD + seq + (seq % 2 === 1 ? srflxTail : hostTail);
}

function frameTails(conn: number, to: string, payload: number): [string, string] {
  return [false, true].map((srflx) => {
    const { candidateTail, ufrag } = padded(conn, srflx, payload);
    return `${candidateTail}","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"${ufrag}"},"otherUsername":${JSON.stringify(to)}}`;
  }) as [string, string];
}

/**
 * The masking key of every frame the load generator builds itself: four equal, non-zero bytes. The
 * server still unmasks each frame as it would a browser's (`ws` skips that only for an all-zero key),
 * but with equal bytes the masked form of a byte does not depend on its position, so the constant
 * parts of a candidate frame are masked once, not per frame. (RFC 6455 wants a fresh key per frame;
 * a server cannot tell, and does the same work either way.)
 */
export const MASK_BYTE = 0x5a;

/**
 * Candidate frames from `conn` to `to`, written straight into a buffer as masked WebSocket text
 * frames: what `ws.send(candidateFramer(conn, to, payload)(seq))` would put on the wire, at a
 * fraction of the load generator's CPU (no string building, no copy to mask, no write per frame).
 */
export class CandidateFrames {
  private readonly head = masked(CANDIDATE_HEAD);
  /** Masked tails (after the foundation) of host and server-reflexive candidates. */
  private readonly tails: [Buffer, Buffer];

  constructor(
    readonly conn: number,
    readonly to: string,
    readonly payload: number,
  ) {
    const [host, srflx] = frameTails(conn, to, payload);
    this.tails = [masked(host), masked(srflx)];
  }

  /** The JSON text of frame `seq` (unmasked): smoke checks and tests compare it. */
  text(seq: number): string {
    return candidateFramer(this.conn, this.to, this.payload)(seq);
  }

  init(seq: number): CandidateInit {
    return candidateInit(seq, this.conn, this.payload);
  }

  /** Bytes of the whole WebSocket frame for `seq`: header, masking key, payload. */
  frameLength(seq: number): number {
    const length = this.payloadLength(seq);
    return (length < 126 ? 2 : 4) + 4 + length;
  }

  /** Writes frame `seq` at `at`; returns where the next frame starts. */
  write(seq: number, out: Buffer, at: number): number {
    const length = this.payloadLength(seq);
    out[at++] = 0x81; // FIN, text
    if (length < 126) {
      out[at++] = 0x80 | length;
    } else {
      out[at++] = 0x80 | 126;
      out[at++] = length >> 8;
      out[at++] = length & 0xff;
    }
    out[at++] = MASK_BYTE;
    out[at++] = MASK_BYTE;
    out[at++] = MASK_BYTE;
    out[at++] = MASK_BYTE;
    at += this.head.copy(out, at);
    const digits = digitCount(seq);
    for (let i = at + digits - 1, n = seq; i >= at; i--, n = Math.floor(n / 10)) out[i] = (0x30 + (n % 10)) ^ MASK_BYTE;
    at += digits;
    return at + this.tails[seq & 1].copy(out, at);
  }

  private payloadLength(seq: number): number {
    return this.head.length + digitCount(seq) + this.tails[seq & 1].length;
  }
}

function masked(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length !== Buffer.byteLength(text)) throw new Error('candidate frames are ASCII');
  for (let i = 0; i < bytes.length; i++) bytes[i] ^= MASK_BYTE;
  return bytes;
}

function digitCount(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Where the sequence number starts in a relayed candidate frame (both servers put `candidate` first). */
export const RELAYED_SEQ_MARKER = Buffer.from('"candidate":"candidate:');

/**
 * The foundation of a relayed candidate frame, or -1. Reads bytes, never decodes the frame: the
 * load generator must stay much cheaper per message than the servers it measures.
 */
export function relayedSeq(frame: Buffer, start = 0, end = frame.length): number {
  const at = frame.indexOf(RELAYED_SEQ_MARKER, start + 20);
  if (at < 0 || at >= end) return -1;
  let seq = 0;
  let i = at + RELAYED_SEQ_MARKER.length;
  const first = i;
  for (; i < end; i++) {
    const c = frame[i];
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
  }
  return i > first && i < end && frame[i] === 0x20 ? seq : -1;
}

/** A pong frame (masked, as a client's must be) answering a ping whose payload is `payload`. */
export function pongFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(6 + payload.length);
  frame[0] = 0x8a; // FIN, pong
  frame[1] = 0x80 | payload.length;
  frame.fill(MASK_BYTE, 2, 6);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i] ^ MASK_BYTE;
  return frame;
}
