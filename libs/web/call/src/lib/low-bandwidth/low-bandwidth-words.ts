// What the low-bandwidth mode says, on this side and on the other.
import { CameraOffReason } from '@duet/web/rtc';

export const LOW_BANDWIDTH_OFFER = 'Your connection is weak: turn video off to keep the sound?';
export const LOW_BANDWIDTH_OFFER_ACCEPT = 'Turn video off';
export const LOW_BANDWIDTH_OFFER_DISMISS = 'Keep video';
/** After the person accepted the offer. */
export const LOW_BANDWIDTH_VIDEO_OFF = 'Your connection is weak: your video is off to keep the sound.';
/** After the data saver did it by itself. */
export const LOW_BANDWIDTH_VIDEO_OFF_AUTO = 'Your connection is weak: data saver turned your video off to keep the sound.';
export const VIDEO_RESTORE = 'Turn video back on';

/** What the other side's camera being off means, in their words (`name` is how people read it). */
export function remoteCameraOffSentence(name: string, reason: CameraOffReason | undefined): string {
  return reason === 'bandwidth' ? `${name}'s connection is weak: their video is off to keep the sound` : `${name} turned their camera off`;
}
