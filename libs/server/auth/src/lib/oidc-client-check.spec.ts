import { ConfigError } from '@duet/server/config';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { loopbackServers } from '../testing/loopback-servers';
import { checkPublicClient } from './oidc-client-check';

/** A token endpoint on loopback that answers every exchange with `answer` and records what it was sent. */
async function tokenEndpoint(answer: (form: URLSearchParams) => { status: number; body: string }) {
  const forms: URLSearchParams[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const form = new URLSearchParams(text);
    forms.push(form);
    const { status, body } = answer(form);
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { server, forms, discovery: { issuer: 'http://127.0.0.1', jwksUri: 'http://127.0.0.1/jwks', tokenEndpoint: url } };
}

describe(checkPublicClient.name, () => {
  const servers = loopbackServers();

  it('stops the start when the provider does not know the client id, or wants a secret for it', async () => {
    const { server, forms, discovery } = await tokenEndpoint(() => ({ status: 401, body: '{"error":"invalid_client"}' }));
    servers.push(server);
    const error = await checkPublicClient(discovery, 'duet-typo').then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^Invalid OIDC_CLIENT_ID="duet-typo": .*invalid_client.*public client/);
    expect(forms.map((form) => [form.get('grant_type'), form.get('client_id')])).toEqual([['authorization_code', 'duet-typo']]);
  });

  it.each([
    ['a known public client (the code is refused)', 400, '{"error":"invalid_grant"}'],
    ['another refusal, left to the sign-in to explain', 400, '{"error":"invalid_request"}'],
    ['a token endpoint that answers no JSON', 404, 'not found'],
  ])('lets the start go on for %s', async (_case, status, body) => {
    const { server, discovery } = await tokenEndpoint(() => ({ status, body }));
    servers.push(server);
    await expect(checkPublicClient(discovery, 'duet')).resolves.toBeUndefined();
  });

  it('lets the start go on when the token endpoint cannot be reached or there is none', async () => {
    const gone = { issuer: 'http://127.0.0.1', jwksUri: 'http://127.0.0.1/jwks', tokenEndpoint: 'http://127.0.0.1:9/token' };
    await expect(checkPublicClient(gone, 'duet')).resolves.toBeUndefined();
    await expect(checkPublicClient({ issuer: gone.issuer, jwksUri: gone.jwksUri }, 'duet')).resolves.toBeUndefined();
  });
});
