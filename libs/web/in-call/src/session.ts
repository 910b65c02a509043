// What a call needs from its first offer (`@duet/web/in-call/session`): the channels, opened with the
// connection. The app shell loads only this eagerly; the features that use the channels (chat,
// files, the verification code) and their panels come with the call stage's lazy chunk (the call
// page loads it with @defer), and take the channels over with whatever arrived meanwhile.
export { InCallChannels } from './lib/in-call-channels';
