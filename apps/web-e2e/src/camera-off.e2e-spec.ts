import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { cameraHeld, keepCameraTracks } from './support/media-tracks';
import { keepPeerConnections } from './support/peer-connections';

/** "Camera off" releases the camera (its light goes off); "camera on" brings the picture back without renegotiating. */
describe('camera off in real Chromium', () => {
  const suite = browserSuite();

  it('stops the camera when turned off, and sends a freshly opened one when turned on, with no new offer', async () => {
    const users: [DuetUser, DuetUser] = await inCall(suite.browser, suite.server.baseUrl, ['alice-cam', 'bob-cam'], {
      initScripts: [keepPeerConnections, keepCameraTracks],
    });
    suite.open.push(...users);
    const [alice, bob] = users;
    const offersBefore = alice.offersSent();
    expect(await cameraHeld(alice.page)).toEqual({ liveCameraTracks: 1, selfViewVideo: ['live'], senders: ['live'] });

    await alice.page.getByTestId('camera-button').click();
    await alice.page.locator('[data-testid="camera-button"][aria-pressed="true"]').waitFor();
    await bob.page.getByTestId('remote-camera-off').waitFor({ timeout: 5_000 });
    // No camera track is live anywhere in the page, and the sender is kept with nothing on it.
    expect(await cameraHeld(alice.page)).toEqual({ liveCameraTracks: 0, selfViewVideo: [], senders: ['none'] });

    const frozen = await bob.remoteVideo();
    await alice.page.getByTestId('camera-button').click();
    await alice.page.locator('[data-testid="camera-button"][aria-pressed="false"]').waitFor();
    await bob.page.getByTestId('remote-camera-off').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await bob.waitForFramesBeyond(frozen.frames + 10)).toBeGreaterThan(frozen.frames + 10);
    expect(await cameraHeld(alice.page)).toEqual({ liveCameraTracks: 1, selfViewVideo: ['live'], senders: ['live'] });
    expect(alice.offersSent()).toBe(offersBefore);
  }, 90_000);
});
