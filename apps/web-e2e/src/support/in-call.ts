import { Browser } from 'playwright-core';
import { DuetUser, UserOptions } from './duet-user';

/** Logs two people in, has the first call the second, and waits until video flows both ways. */
export async function inCall(
  browser: Browser,
  baseUrl: string,
  [callerName, calleeName]: [string, string],
  options: UserOptions = {},
): Promise<[DuetUser, DuetUser]> {
  const caller = await DuetUser.logIn(browser, baseUrl, callerName, '/', options);
  const callee = await DuetUser.logIn(browser, baseUrl, calleeName, '/', options);
  try {
    await caller.callByName(callee.name);
    await callee.accept();
    await Promise.all([caller.waitForStatus('connected'), callee.waitForStatus('connected')]);
    await Promise.all([caller.waitForRemoteVideo(), callee.waitForRemoteVideo()]);
  } catch (error) {
    await Promise.all([caller.close(), callee.close()]);
    throw error;
  }
  return [caller, callee];
}
