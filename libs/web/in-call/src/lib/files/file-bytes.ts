// The halves that move and hash a file's bytes (SHA-256 comes with them): a chunk of their own,
// fetched when an offer arrives or is accepted, not with the app (the initial bundle's budget).
export { pumpFile } from './file-sending';
export { finishReceiving, receiveChunk, startReceiving } from './file-receiving';
