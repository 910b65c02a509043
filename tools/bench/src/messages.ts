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

/**
 * The candidate with foundation `seq` from connection number `conn`: alternately host and
 * server-reflexive, as Chrome trickles them (~120–190 characters).
 */
export function candidateInit(seq: number, conn: number): CandidateInit {
  const ufrag = `u${(conn % 9000) + 1000}`;
  return { candidate: `candidate:${seq}${candidateTail(conn, seq % 2 === 1)}`, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: ufrag };
}

function candidateTail(conn: number, srflx: boolean): string {
  const ufrag = `u${(conn % 9000) + 1000}`;
  const port = 50000 + (conn % 15000);
  const octet = (conn % 250) + 1;
  return srflx
    ? ` 1 udp 1686052607 203.0.113.${octet} ${port} typ srflx raddr 10.0.${octet}.7 rport ${port} generation 0 ufrag ${ufrag} network-id 1 network-cost 10`
    : ` 1 udp 2122260223 10.0.${octet}.7 ${port} typ host generation 0 ufrag ${ufrag} network-id 1 network-cost 10`;
}

const CANDIDATE_HEAD = '{"type":"candidate","candidate":{"candidate":"candidate:';

/**
 * Builds candidate frames from connection `conn` to `to` by concatenation; `frame(seq)` equals
 * `JSON.stringify({type:'candidate', candidate: candidateInit(seq, conn), otherUsername: to})`.
 */
export function candidateFramer(conn: number, to: string): (seq: number) => string {
  const ufrag = `u${(conn % 9000) + 1000}`;
  const rest = `","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"${ufrag}"},"otherUsername":${JSON.stringify(to)}}`;
  const hostTail = candidateTail(conn, false) + rest;
  const srflxTail = candidateTail(conn, true) + rest;
  return (seq) => CANDIDATE_HEAD + seq + (seq % 2 === 1 ? srflxTail : hostTail);
}

/** Where the sequence number starts in a relayed candidate frame (both servers put `candidate` first). */
export const RELAYED_SEQ_MARKER = Buffer.from('"candidate":"candidate:');

/**
 * The foundation of a relayed candidate frame, or -1. Reads bytes, never decodes the frame: the
 * load generator must stay much cheaper per message than the servers it measures.
 */
export function relayedSeq(frame: Buffer): number {
  const at = frame.indexOf(RELAYED_SEQ_MARKER, 20);
  if (at < 0) return -1;
  let seq = 0;
  let i = at + RELAYED_SEQ_MARKER.length;
  const start = i;
  for (; i < frame.length; i++) {
    const c = frame[i];
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
  }
  return i > start && frame[i] === 0x20 ? seq : -1;
}
