/**
 * What the encoder gives up first when CPU or bandwidth run short, for the track a sender carries.
 * A shared screen (its track says `contentHint` `detail` or `text`: LocalMediaService sets it) keeps
 * its resolution so text stays legible, and drops frames instead; anything else (the camera) gets
 * the browser's own default back, which balances both. Undefined means that default. (Firefox has
 * no `contentHint`: the assignment leaves a plain property on the track, read here all the same.)
 */
export function degradationPreferenceFor(track: MediaStreamTrack | null): RTCDegradationPreference | undefined {
  const detail = track?.contentHint === 'detail' || track?.contentHint === 'text';
  return track?.kind === 'video' && detail ? 'maintain-resolution' : undefined;
}

/**
 * Fits `sender`'s parameters to `track`, changing only what differs: its degradation preference
 * (above), and its encodings active only while it has a track. Without the latter, Firefox keeps
 * sending about a frame a second after `replaceTrack(null)` (measured: camera off, framesSent
 * 42→44→46 over 6 s); Chromium stops by itself. Never throws: a browser that refuses the parameters
 * still sends the track, with its defaults.
 */
export async function applySenderParameters(sender: RTCRtpSender, track: MediaStreamTrack | null): Promise<void> {
  const wanted = degradationPreferenceFor(track);
  const active = track !== null;
  try {
    const parameters = sender.getParameters();
    // Before negotiation there may be no encodings yet: nothing to switch, and nothing is sent.
    const encodings = parameters.encodings ?? [];
    const activeChanges = encodings.some((encoding) => (encoding.active ?? true) !== active);
    if (parameters.degradationPreference === wanted && !activeChanges) return;
    if (wanted) parameters.degradationPreference = wanted;
    else delete parameters.degradationPreference;
    for (const encoding of encodings) encoding.active = active;
    await sender.setParameters(parameters);
  } catch (error) {
    console.debug(`[peer] kept the browser's sender parameters (${wanted ?? 'default'}, active ${active} refused)`, error);
  }
}
