import { PushEndpoint, startPushEndpoint } from '@duet/testing/processes';
import { request } from 'node:https';
import { PushEndpointPolicy } from './endpoint-policy';
import { GuardedPushAgent, publicOnlyLookup } from './guarded-push-agent';

/** POSTs through `agent`; resolves with the status, or the connection's error. */
function post(url: string, agent: GuardedPushAgent, ca: string): Promise<number | Error> {
  return new Promise((resolve) => {
    request(url, { method: 'POST', agent, ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', resolve)
      .end();
  });
}

describe(GuardedPushAgent.name, () => {
  let endpoint: PushEndpoint;
  const agents: GuardedPushAgent[] = [];
  const agentFor = (hosts: string[]) => {
    const agent = new GuardedPushAgent(new PushEndpointPolicy(hosts));
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => (endpoint = await startPushEndpoint()));
  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    await endpoint.close();
  });

  it('connects to a loopback endpoint that is listed literally', async () => {
    expect(await post(`${endpoint.origin}/push/nobody`, agentFor([endpoint.host]), endpoint.caPem)).toBe(404);
  });

  it('refuses to connect to a loopback IP literal that is not listed, before any byte is sent', async () => {
    const requestsBefore = endpoint.refused.length;
    const result = await post(`${endpoint.origin}/push/nobody`, agentFor(['*.push.apple.com']), endpoint.caPem);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/127\.0\.0\.1 is on a loopback or private address/);
    expect(endpoint.refused).toHaveLength(requestsBefore);
  });

  it('refuses a name that resolves to loopback at connection time', async () => {
    const port = new URL(endpoint.origin).port;
    const result = await post(`https://localhost:${port}/push/nobody`, agentFor(['*.push.apple.com']), endpoint.caPem);
    expect((result as Error).message).toMatch(/localhost is on a loopback or private address/);
  });

  it('connects by a name listed literally, whatever it resolves to', async () => {
    const port = new URL(endpoint.origin).port;
    expect(await post(`https://localhost:${port}/push/nobody`, agentFor([`localhost:${port}`]), endpoint.caPem)).toBe(404);
  });

  it('answers lookups in both callback shapes, and refuses special addresses', async () => {
    const lookup = (host: string, all: boolean) =>
      new Promise<unknown[]>((resolve) => publicOnlyLookup(host, { all }, (...args: unknown[]) => resolve(args)));
    for (const all of [true, false]) {
      const [error] = await lookup('localhost', all);
      expect((error as Error).message).toMatch(/loopback or private/);
    }
    // A numeric host resolves to itself, without a DNS server.
    expect(await lookup('8.8.8.8', true)).toEqual([null, [{ address: '8.8.8.8', family: 4 }]]);
    expect(await lookup('8.8.8.8', false)).toEqual([null, '8.8.8.8', 4]);
  });
});
