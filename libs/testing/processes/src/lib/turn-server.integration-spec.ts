import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { TurnServer } from './turn-server';

/** Sends one STUN Binding request and resolves with the response type (0x0101: success). */
function bindingResponse(port: number): Promise<number> {
  const socket = createSocket('udp4');
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  return new Promise((resolve, reject) => {
    socket.once('message', (reply) => {
      socket.close();
      resolve(reply.readUInt16BE(0));
    });
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.send(request, port, '127.0.0.1');
  });
}

describe(TurnServer.name, () => {
  let turn: TurnServer;

  beforeAll(async () => {
    turn = await TurnServer.launch();
  });
  afterAll(() => turn.stop());

  it('runs a real coturn that answers STUN on its loopback port once launched', async () => {
    expect(turn.url).toBe(`turn:127.0.0.1:${turn.port}?transport=udp`);
    expect(await bindingResponse(turn.port)).toBe(0x0101);
    expect(turn.logs()).toContain('Relay address to use: 127.0.0.1');
  });

  it('hands out REST credentials signed with the secret it gives the Duet server', () => {
    const { urls, username, credential } = turn.credentials('alice');
    const { TURN_SECRET, TURN_URLS } = turn.issuerEnv();
    expect(urls).toBe(TURN_URLS);
    expect(username).toMatch(/^\d+:alice$/);
    expect(Number(username.split(':')[0])).toBeGreaterThan(Date.now() / 1_000);
    expect(credential).toBe(createHmac('sha1', TURN_SECRET).update(username).digest('base64'));
  });

  it('comes back on the same port after a crash', async () => {
    await turn.crash();
    await turn.start();
    expect(await bindingResponse(turn.port)).toBe(0x0101);
  });

  it('fails, naming the path and how to install it, when coturn is missing (never skips)', async () => {
    const saved = process.env['TURNSERVER_PATH'];
    process.env['TURNSERVER_PATH'] = '/nonexistent/turnserver';
    try {
      await expect(TurnServer.launch()).rejects.toThrow(/coturn not found at \/nonexistent\/turnserver: apt-get install -y coturn/);
    } finally {
      if (saved === undefined) delete process.env['TURNSERVER_PATH'];
      else process.env['TURNSERVER_PATH'] = saved;
    }
  });
});
