/**
 * The in-call features (`in-call/`) inject `CallController` for the call's `peerConnection$`: the
 * call the app sees is PeerService now (call/peer.service.ts), under this name as well.
 */
export { PeerService as CallController } from './call/peer.service';
