import { webcrypto } from 'node:crypto';
import { sdpFingerprints, verificationCode } from './verification-code';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
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

  it('gives both sides the same six digits, grouped', async () => {
    const caller = await verificationCode(sdp(A), sdp(B), subtle);
    const callee = await verificationCode(sdp(B), sdp(A), subtle);
    expect(caller).toMatch(/^\d{3} \d{3}$/);
    expect(callee).toBe(caller);
  });

  it('differs when a fingerprint was swapped on the way', async () => {
    const forged = B.replace(/^11/, '12');
    expect(await verificationCode(sdp(A), sdp(forged), subtle)).not.toBe(await verificationCode(sdp(B), sdp(A), subtle));
  });

  it('has no code without fingerprints', async () => {
    expect(await verificationCode('v=0\r\n', sdp(A), subtle)).toBeNull();
  });
});
