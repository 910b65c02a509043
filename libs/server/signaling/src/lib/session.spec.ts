import { WebSocket } from 'ws';
import { Session } from './session';

describe(Session.name, () => {
  it('runs queued tasks one after another, in order, even when earlier ones are slower', async () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const order: string[] = [];
    const slow = session.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('login');
    });
    const fast = session.enqueue(async () => {
      order.push('offer');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['login', 'offer']);
  });

  it('keeps going after a task fails, and reports the failure to its caller', async () => {
    const session = new Session({ readyState: WebSocket.OPEN } as unknown as WebSocket);
    const failed = session.enqueue(async () => {
      throw new Error('boom');
    });
    const next = session.enqueue(async () => undefined);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBeUndefined();
  });

  it('sends nothing to a socket that is no longer open', () => {
    const send = jest.fn();
    const session = new Session({ readyState: WebSocket.CLOSING, send } as unknown as WebSocket);
    session.send({ type: 'presence', username: 'a', online: true });
    expect(send).not.toHaveBeenCalled();
  });
});
