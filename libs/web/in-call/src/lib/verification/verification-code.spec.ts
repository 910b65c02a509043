import { sdpFingerprints, verificationCode } from './verification-code';

const A = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const B = '11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00';
const sdp = (fingerprint: string) =>
  `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 ${fingerprint}\r\n` +
  `m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=fingerprint:SHA-256 ${fingerprint.toLowerCase()}\r\n`;

describe('verificationCode', () => {
  it('reads each distinct fingerprint once, normalised', () => {
    expect(sdpFingerprints(sdp(A))).toEqual([`sha-256 ${A}`]);
    expect(sdpFingerprints('v=0\r\n')).toEqual([]);
  });

  it('gives both sides the same six digits, grouped', () => {
    const caller = verificationCode(sdp(A), sdp(B));
    const callee = verificationCode(sdp(B), sdp(A));
    expect(caller).toMatch(/^\d{3} \d{3}$/);
    expect(callee).toBe(caller);
  });

  it('is the code Web Crypto’s SHA-256 gave (peers on an older version agree), and needs no crypto.subtle (plain http)', () => {
    const subtle = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    // Outside a secure context browsers have no crypto.subtle at all.
    Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true });
    try {
      // 862 552: SHA-256 of the canonical bytes, as crypto.subtle.digest computed it before.
      expect(verificationCode(sdp(A), sdp(B))).toBe('862 552');
    } finally {
      if (subtle) Object.defineProperty(globalThis, 'crypto', subtle);
    }
  });

  it('differs when a fingerprint was swapped on the way', () => {
    const forged = B.replace(/^11/, '12');
    expect(verificationCode(sdp(A), sdp(forged))).not.toBe(verificationCode(sdp(B), sdp(A)));
  });

  it('has no code without fingerprints', () => {
    expect(verificationCode('v=0\r\n', sdp(A))).toBeNull();
  });
});
