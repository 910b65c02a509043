import { createConnection, createServer, Server, Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** An echo server, the proxy's target. */
async function echoServer(): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    server,
    port,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client through the proxy: resolves `closed` when the proxy (or anything) ends the connection. */
function connect(port: number): { socket: Socket; closed: Promise<void>; echo(text: string): Promise<string> } {
  const socket = createConnection({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const echo = (text: string) =>
    new Promise<string>((resolve) => {
      socket.once('data', (chunk) => resolve(chunk.toString()));
      socket.write(text);
    });
  return { socket, closed, echo };
}

describe(TcpProxy.name, () => {
  let target: Awaited<ReturnType<typeof echoServer>>;
  let proxy: TcpProxy;
  const clients: Socket[] = [];

  beforeEach(async () => {
    target = await echoServer();
    proxy = await TcpProxy.start(target.port);
  });
  afterEach(async () => {
    clients.splice(0).forEach((socket) => socket.destroy());
    await proxy.close();
    await target.close();
  });

  function client() {
    const opened = connect(proxy.port);
    clients.push(opened.socket);
    return opened;
  }

  it('relays both ways to the target, on a loopback port of its own', async () => {
    expect(proxy.port).not.toBe(target.port);
    expect(proxy.baseUrl).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(await client().echo('hello')).toBe('hello');
  });

  /** A connection that works, then `breakIt()`: resolves once that connection is closed. */
  async function dropsAnOpenConnection(breakIt: () => void): Promise<void> {
    const first = client();
    expect(await first.echo('before')).toBe('before');
    breakIt();
    await first.closed;
  }

  it('cut() drops every open connection and still lets new ones through', async () => {
    await dropsAnOpenConnection(() => proxy.cut());
    expect(await client().echo('after')).toBe('after');
  });

  it('block() drops open connections and refuses new ones until unblock()', async () => {
    await dropsAnOpenConnection(() => proxy.block());
    const refused = client();
    await refused.closed;
    expect(refused.socket.bytesRead).toBe(0);
    proxy.unblock();
    expect(await client().echo('healed')).toBe('healed');
  });

  it('drops the client when the target is not listening', async () => {
    await target.close();
    await client().closed;
  });
});
