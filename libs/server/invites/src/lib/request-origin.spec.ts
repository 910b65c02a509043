import { DuetConfig, loadConfig } from '@duet/server/config';
import type { IncomingMessage } from 'node:http';
import { RequestOrigin } from './request-origin';

const config = (env: Record<string, string> = {}): DuetConfig => loadConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(32), ...env });
const request = (host: string, { encrypted = false, peer = '203.0.113.9', proto }: { encrypted?: boolean; peer?: string; proto?: string } = {}) =>
  ({ headers: { host, ...(proto && { 'x-forwarded-proto': proto }) }, socket: { encrypted, remoteAddress: peer } }) as unknown as IncomingMessage;

describe(RequestOrigin.name, () => {
  it('makes links at PUBLIC_URL’s origin whatever the request says', () => {
    const origin = new RequestOrigin(config({ PUBLIC_URL: 'https://duet.example.com' }));
    expect(origin.of(request('evil.example:8080'))).toBe('https://duet.example.com');
  });

  it('else at the host the request came to: https over TLS, http otherwise', () => {
    const origin = new RequestOrigin(config());
    expect(origin.of(request('duet.lan:3000'))).toBe('http://duet.lan:3000');
    expect(origin.of(request('duet.lan', { encrypted: true }))).toBe('https://duet.lan');
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    expect(new RequestOrigin(config()).of(request('duet.lan', { proto: 'https' }))).toBe('http://duet.lan');
    const behindProxy = new RequestOrigin(config({ TRUST_PROXY: '127.0.0.1' }));
    expect(behindProxy.of(request('duet.example.com', { peer: '127.0.0.1', proto: 'https' }))).toBe('https://duet.example.com');
    expect(behindProxy.of(request('duet.example.com', { peer: '203.0.113.9', proto: 'https' }))).toBe('http://duet.example.com');
  });
});
