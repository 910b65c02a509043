/**
 * The in-call features (libs/web/in-call, IN_CALL_CONNECTION) inject `CallController` for the
 * call's `peerConnection$`: the call the app sees is PeerService (call/peer.service.ts), under this
 * name as well.
 */
export { PeerService as CallController } from './call/peer.service';
