import { ConfigError } from '@duet/server/config';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loopbackServers } from '../testing/loopback-servers';
import { discoverOidc, oidcConnectOrigins } from './oidc-discovery';

/** A provider on loopback whose discovery document each test writes (or that never answers). */
async function provider(document: (issuer: string) => unknown, { answer = true } = {}): Promise<{ issuer: string; server: Server }> {
  const server = createServer((request, response) => {
    if (!answer) return;
    if (request.url !== '/realms/acme/.well-known/openid-configuration') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document(issuer)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/acme`;
  return { issuer, server };
}

describe(discoverOidc.name, () => {
  const servers = loopbackServers();
  async function problem(document: (issuer: string) => unknown, options?: { answer?: boolean }, issuerOf = (issuer: string) => issuer) {
    const { issuer, server } = await provider(document, options);
    servers.push(server);
    // A provider that never answers is given 0.3 s; one that answers, 5 s (a loaded machine may take over 0.3 s to answer).
    const error = await discoverOidc(issuerOf(issuer), options?.answer === false ? 300 : 5_000).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replace(issuer, 'ISSUER').replace(issuer, 'ISSUER');
  }

  it('reads the keys and the endpoints the browser calls, tolerating a trailing slash', async () => {
    const { issuer, server } = await provider((iss) => ({
      issuer: iss,
      jwks_uri: `${iss}/certs`,
      token_endpoint: 'https://tokens.example.com/token',
      userinfo_endpoint: `${iss}/userinfo`,
      revocation_endpoint: 'not a url',
    }));
    servers.push(server);
    const discovery = await discoverOidc(`${issuer}/`);
    expect(discovery).toEqual({
      issuer,
      jwksUri: `${issuer}/certs`,
      tokenEndpoint: 'https://tokens.example.com/token',
      userinfoEndpoint: `${issuer}/userinfo`,
      revocationEndpoint: undefined,
    });
    expect(oidcConnectOrigins(discovery)).toEqual([new URL(issuer).origin, 'https://tokens.example.com']);
  });

  it('refuses, in one line naming OIDC_ISSUER, a provider it cannot reach or that does not answer in time', async () => {
    const { issuer, server } = await provider(() => ({}));
    servers.push(server);
    await new Promise((resolve) => server.close(resolve));
    await expect(discoverOidc(issuer)).rejects.toThrow(
      new ConfigError(`Invalid OIDC_ISSUER="${issuer}": discovery document ${issuer}/.well-known/openid-configuration cannot be fetched (ECONNREFUSED)`),
    );
    expect(await problem(() => ({}), { answer: false })).toBe(
      'Invalid OIDC_ISSUER="ISSUER": discovery document ISSUER/.well-known/openid-configuration cannot be fetched (no answer within 0.3 s)',
    );
    expect(await problem(() => ({}), {}, (issuer) => `${issuer}-typo`)).toMatch(/^Invalid OIDC_ISSUER="ISSUER-typo": .* cannot be fetched \(HTTP 404\)$/);
  });

  it('refuses a document for another issuer, without keys, or with keys in the clear', async () => {
    expect(await problem(() => ({ issuer: 'https://evil.example.com', jwks_uri: 'https://evil.example.com/certs' }))).toBe(
      'Invalid OIDC_ISSUER="ISSUER": discovery document ISSUER/.well-known/openid-configuration names the issuer "https://evil.example.com": OIDC_ISSUER must be exactly the provider\'s issuer',
    );
    expect(await problem((iss) => ({ issuer: iss }))).toMatch(/openid-configuration has no jwks_uri \(the provider's signing keys\)$/);
    expect(await problem((iss) => ({ issuer: iss, jwks_uri: 'http://keys.example.com/certs' }))).toMatch(
      /has jwks_uri http:\/\/keys.example.com\/certs: it must be https:\/\/ \(plain http only on loopback\)$/,
    );
    expect(await problem(() => [1, 2])).toMatch(/openid-configuration is not a JSON object$/);
  });
});
