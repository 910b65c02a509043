/** An operation reached a call that has already been torn down (hung up, declined, failed). */
export class CallClosedError extends Error {
  override readonly name = 'CallClosedError';
  constructor(operation: string) {
    super(`cannot ${operation}: the call is closed`);
  }
}

/** A call was placed before a successful login, so there is no name to call from. */
export class NotLoggedInError extends Error {
  override readonly name = 'NotLoggedInError';
  constructor() {
    super('log in before calling');
  }
}
