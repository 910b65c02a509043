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
 * What a video sender may spend: the operator's cap (`maxVideoBitrateKbps` at login) and the data
 * saver's, the lower of the two, and how much smaller the data saver sends the picture. Empty: no limit.
 */
export interface VideoLimits {
  /** bits per second (`encodings[].maxBitrate`); undefined: the browser's own estimate rules. */
  maxBitrate?: number;
  /** `encodings[].scaleResolutionDownBy`; undefined: full size (1). */
  scaleResolutionDownBy?: number;
}

/**
 * Fits `sender`'s parameters to `track`, changing only what differs: its degradation preference
 * (above), its encodings active only while it has a track, and a video sender's `limits` (absent
 * for audio). Without
 * the second, Firefox keeps sending about a frame a second after `replaceTrack(null)` (measured:
 * camera off, framesSent 42→44→46 over 6 s); Chromium stops by itself. Never throws: a browser that
 * refuses the parameters still sends the track, with its defaults.
 */
export async function applySenderParameters(sender: RTCRtpSender, track: MediaStreamTrack | null, limits?: VideoLimits): Promise<void> {
  const wanted = degradationPreferenceFor(track);
  const active = track !== null;
  // Only a video sender is given limits (its camera may be off: no track to tell its kind by).
  const video = limits !== undefined;
  const maxBitrate = limits?.maxBitrate;
  const scale = limits?.scaleResolutionDownBy ?? 1;
  try {
    const parameters = sender.getParameters();
    // Before negotiation there may be no encodings yet: nothing to switch, and nothing is sent.
    const encodings = parameters.encodings ?? [];
    const differs = (encoding: RTCRtpEncodingParameters) =>
      (encoding.active ?? true) !== active ||
      (video && encoding.maxBitrate !== maxBitrate) ||
      (video && (encoding.scaleResolutionDownBy ?? 1) !== scale);
    if (parameters.degradationPreference === wanted && !encodings.some(differs)) return;
    if (wanted) parameters.degradationPreference = wanted;
    else delete parameters.degradationPreference;
    for (const encoding of encodings) {
      encoding.active = active;
      if (!video) continue;
      if (maxBitrate === undefined) delete encoding.maxBitrate;
      else encoding.maxBitrate = maxBitrate;
      // Only what differs: Firefox gives no scale back, and 1 is its default anyway.
      if ((encoding.scaleResolutionDownBy ?? 1) !== scale) encoding.scaleResolutionDownBy = scale;
    }
    await sender.setParameters(parameters);
  } catch (error) {
    console.debug(`[peer] kept the browser's sender parameters (${wanted ?? 'default'}, active ${active}, ${maxBitrate ?? 'no'} bit/s cap refused)`, error);
  }
}
