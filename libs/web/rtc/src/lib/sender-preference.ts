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
 * Sets `sender`'s degradation preference for `track` when it differs from what the sender has.
 * Never throws: a browser that refuses the parameter still sends the track, only with its default.
 */
export async function applyDegradationPreference(sender: RTCRtpSender, track: MediaStreamTrack | null): Promise<void> {
  const wanted = degradationPreferenceFor(track);
  try {
    const parameters = sender.getParameters();
    if (parameters.degradationPreference === wanted) return;
    if (wanted) parameters.degradationPreference = wanted;
    else delete parameters.degradationPreference;
    await sender.setParameters(parameters);
  } catch (error) {
    console.debug(`[peer] kept the browser's degradation preference (${wanted ?? 'default'} refused)`, error);
  }
}
