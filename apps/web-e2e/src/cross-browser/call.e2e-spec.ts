import { DIRECTIONS, callAndAnswer, crossBrowserSuite } from '../support/cross-browser-suite';

/** A call between Chromium and Firefox ESR through Duet's UI, each engine calling the other. */
describe('cross-browser calls', () => {
  const suite = crossBrowserSuite();
  let run = 0;

  describe.each(DIRECTIONS)('%s calls %s', (callerEngine, calleeEngine) => {
    it('both see the other\'s video move, and hang-up returns both to idle', async () => {
      run += 1;
      const caller = await suite.logIn(callerEngine, `${callerEngine}-caller-${run}`);
      const callee = await suite.logIn(calleeEngine, `${calleeEngine}-callee-${run}`);

      await callAndAnswer(caller, callee);
      for (const person of [caller, callee]) {
        const picture = await person.waitForNewFrames('remote-video');
        expect(picture.width).toBeGreaterThan(0);
        expect(picture.height).toBeGreaterThan(0);
      }

      await caller.hangUp();
      await Promise.all([caller.waitForStatus('idle'), callee.waitForStatus('idle')]);
      expect(await callee.text('error-message')).toBe(`${caller.name} hung up.`);
    }, 60_000);
  });
});
