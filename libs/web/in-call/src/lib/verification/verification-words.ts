// The verification code's sentences. Like every feature's words file, it keeps wording reviewable
// in one place per feature; the call UI's own sentences are in libs/web/call's words.ts.

export const VERIFICATION_CODE_LABEL = 'Code';
export const VERIFICATION_CODE_HINT =
  'Read this code to each other: if it is the same on both screens, nobody between you swapped the encryption keys of this call.';
