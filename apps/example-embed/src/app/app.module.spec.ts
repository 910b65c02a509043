import { useDuetSignaling } from '@duet/server/app';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { AppModule } from './app.module';

/** A ws client that collects what it receives. */
function connect(url: string, cookie?: string): Promise<{ socket: WebSocket; next: (type: string) => Promise<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: cookie ? { Cookie: cookie } : {} });
    const inbox: Record<string, unknown>[] = [];
    const waiting: (() => void)[] = [];
    socket.on('message', (data) => {
      inbox.push(JSON.parse(data.toString()));
      waiting.splice(0).forEach((wake) => wake());
    });
    const next = async (type: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const index = inbox.findIndex((message) => message['type'] === type);
        if (index >= 0) return inbox.splice(index, 1)[0];
        await new Promise<void>((wake) => waiting.push(wake));
      }
    };
    socket.once('open', () => resolve({ socket, next }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(String(response.statusCode))));
    socket.once('error', reject);
  });
}

describe('an existing Nest application with Duet embedded', () => {
  let app: INestApplication;
  let base: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: ['error'], forceCloseConnections: true });
    useDuetSignaling(app);
    await app.listen(0, '127.0.0.1');
    base = `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await app.close();
  });

  async function signIn(username: string): Promise<string> {
    const response = await fetch(`http://${base}/api/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    expect(response.status).toBe(201);
    return (response.headers.get('set-cookie') ?? '').split(';')[0];
  }

  it("serves the application's own REST endpoint behind its own guard", async () => {
    expect((await fetch(`http://${base}/api/me`)).status).toBe(403);
    const cookie = await signIn('grace');
    const me = await fetch(`http://${base}/api/me`, { headers: { Cookie: cookie } });
    expect(await me.json()).toEqual({ username: 'grace' });
  });

  it("admits to /ws only whom the application's sessions know, and completes a call through the embedded gateway", async () => {
    await expect(connect(`ws://${base}/ws`)).rejects.toThrow('401');
    const [graceCookie, hankCookie] = [await signIn('grace'), await signIn('hank')];
    const grace = await connect(`ws://${base}/ws`, graceCookie);
    const hank = await connect(`ws://${base}/ws`, hankCookie);
    sockets.push(grace.socket, hank.socket);
    grace.socket.send(JSON.stringify({ type: 'login', username: 'hank' }));
    expect(await grace.next('login')).toMatchObject({ success: false, reason: 'forbidden' });
    grace.socket.send(JSON.stringify({ type: 'login', username: 'grace' }));
    hank.socket.send(JSON.stringify({ type: 'login', username: 'hank' }));
    expect(await grace.next('login')).toMatchObject({ success: true });
    expect(await hank.next('login')).toMatchObject({ success: true });
    grace.socket.send(JSON.stringify({ type: 'offer', offer: { type: 'offer', sdp: 'v=0' }, otherUsername: 'hank' }));
    expect(await hank.next('offer')).toMatchObject({ username: 'grace' });
    hank.socket.send(JSON.stringify({ type: 'answer', answer: { type: 'answer', sdp: 'v=0' }, otherUsername: 'grace' }));
    expect(await grace.next('answer')).toMatchObject({ username: 'hank' });
    grace.socket.send(JSON.stringify({ type: 'close', otherUsername: 'hank' }));
    expect(await hank.next('close')).toMatchObject({ username: 'grace', reason: 'hangup' });
  });

  it('is the code docs/auth.md shows, word for word', () => {
    const docs = readFileSync(join(__dirname, '../../../../docs/auth.md'), 'utf8');
    for (const file of ['session-cookie.authenticator.ts', 'app.module.ts']) {
      const source = readFileSync(join(__dirname, file), 'utf8').trim();
      expect(docs).toContain(source);
    }
  });
});
