import { Identity } from '@duet/server/auth';
import { ServerMessage } from '@duet/shared/protocol';
import { WebSocket } from 'ws';
import { Session } from '../lib/session';

/** A session whose socket records what it is sent: the only fake the service specs need. */
export function fakeSession(identity: Identity = {}, address = '') {
  const sent: ServerMessage[] = [];
  const socket: { readyState: number; bufferedAmount: number; send: (frame: string) => void; terminate: jest.Mock; close: jest.Mock } = {
    readyState: WebSocket.OPEN,
    /** What the client has not read yet; a test raises it to play a stalled reader. */
    bufferedAmount: 0,
    send: (frame: string) => sent.push(JSON.parse(frame)),
    terminate: jest.fn(() => {
      socket.readyState = WebSocket.CLOSED;
    }),
    /** The server closing it (`code`, `reason`): the gateway's close handler is the spec's to run. */
    close: jest.fn(() => {
      socket.readyState = WebSocket.CLOSED;
    }),
  };
  return { session: new Session(socket as unknown as WebSocket, identity, address), sent, socket };
}
