import { CallHandler, CanActivate, NestInterceptor, UseGuards, UseInterceptors } from '@nestjs/common';
import { MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import { readFileSync } from 'node:fs';
import { directRoutesOf, subscribedMessagesOf } from './direct-routes';

class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

class PassThrough implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

class Plain {
  readonly calls: unknown[][] = [];
  @SubscribeMessage('hello')
  hello(socket: WebSocket, message: unknown): void {
    this.calls.push([socket, message]);
  }

  notAHandler(): string {
    return 'never routed';
  }
}

class MixedEnhancers {
  @SubscribeMessage('plain')
  plain(): void {
    // routed directly
  }

  @UseGuards(AllowAll)
  @SubscribeMessage('guarded')
  guarded(): void {
    // keeps Nest's wrapper
  }

  @SubscribeMessage('decorated')
  decorated(@MessageBody() body: unknown): unknown {
    return body;
  }
}

@UseInterceptors(PassThrough)
class InterceptedClass {
  @SubscribeMessage('any')
  any(): void {
    // keeps Nest's wrapper
  }
}

const socket = {} as WebSocket;

describe(directRoutesOf.name, () => {
  it('routes a plain handler to the method itself, on its instance, with (socket, message)', () => {
    const gateway = new Plain();
    const routes = directRoutesOf(gateway);
    expect([...routes.keys()]).toEqual(['hello']);
    routes.get('hello')?.(socket, { type: 'hello' });
    expect(gateway.calls).toEqual([[socket, { type: 'hello' }]]);
  });

  it('leaves out handlers with a guard or parameter decorators, and keeps the plain ones', () => {
    expect([...directRoutesOf(new MixedEnhancers()).keys()]).toEqual(['plain']);
  });

  it('routes nothing directly when the class has an interceptor', () => {
    expect(directRoutesOf(new InterceptedClass()).size).toBe(0);
  });

  // The metadata keys read here and how Nest's wrapper treats them were checked in these versions'
  // sources (`@nestjs/websockets` context/ws-context-creator.js, `@nestjs/core` helpers/context-creator.js).
  // After an upgrade, reread those, then update the versions here.
  it('was checked against @nestjs/common and core 11.2.10 and @nestjs/websockets 11.2.6', () => {
    expect(['common', 'core', 'websockets'].map(installedVersion)).toEqual(['11.2.10', '11.2.10', '11.2.6']);
  });
});

describe(subscribedMessagesOf.name, () => {
  it('lists every handler, enhanced or not, so a gateway can tell whether all of them are direct', () => {
    expect(subscribedMessagesOf(new Plain())).toEqual(['hello']);
    expect(subscribedMessagesOf(new MixedEnhancers()).sort()).toEqual(['decorated', 'guarded', 'plain']);
    expect(subscribedMessagesOf(new InterceptedClass())).toEqual(['any']);
  });
});

function installedVersion(nestPackage: string): string {
  const manifest = readFileSync(require.resolve(`@nestjs/${nestPackage}/package.json`), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}
