/** Where the in-call features (`in-call/`) find the call's connection; the class lives in engine/. */
export { CallController } from './engine/call-controller.service';
