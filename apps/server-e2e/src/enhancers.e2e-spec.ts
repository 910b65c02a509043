import { SignalingGateway } from '@duet/server/signaling';
import { CallHandler, CanActivate, ExecutionContext, NestInterceptor, UseGuards, UseInterceptors } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { uniqueName } from './support/names';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

/**
 * Handlers without enhancers are called directly, past Nest's per-message wrapper; this proves that
 * a guard and an interceptor an auth module puts on the gateway still run, on every message.
 */
describe('signaling: guards and interceptors added to the gateway still run', () => {
  /** Sees every message; refuses `search` frames. */
  class NoSearchGuard implements CanActivate {
    readonly seen: string[] = [];
    canActivate(context: ExecutionContext): boolean {
      const { type } = context.switchToWs().getData<{ type: string }>();
      this.seen.push(type);
      return type !== 'search';
    }
  }
  /** Counts the handlers it wraps, after they ran. */
  class CountingInterceptor implements NestInterceptor {
    handled = 0;
    intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
      return next.handle().pipe(tap(() => (this.handled += 1)));
    }
  }

  const guard = new NoSearchGuard();
  const interceptor = new CountingInterceptor();
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    // As an auth module would decorate it (Jest gives each spec file its own copy of the class).
    UseGuards(guard)(SignalingGateway);
    UseInterceptors(interceptor)(SignalingGateway);
    server = await startTestServer();
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(() => server.close());

  it('runs the guard and the interceptor on every message, and a refusal stops the message', async () => {
    const name = uniqueName('guarded');
    const client = await TestClient.loggedIn(server.wsUrl, name);
    clients.push(client);
    client.send({ type: 'search', prefix: name.slice(0, 3) });
    client.send({ type: 'login', username: name });
    // The second login is refused by the service: the search before it got no reply at all.
    expect(await client.next()).toMatchObject({ type: 'error', code: 'already-logged-in' });
    expect(guard.seen).toEqual(['login', 'search', 'login']);
    expect(interceptor.handled).toBe(2);
  });
});
