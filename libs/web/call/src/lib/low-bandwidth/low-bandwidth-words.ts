// What the low-bandwidth mode says, on this side and on the other.
import { CameraOffReason } from '@duet/web/rtc';

export const LOW_BANDWIDTH_WORDS = {
  offer: 'Your connection is weak: turn video off to keep the sound?',
  accept: 'Turn video off',
  dismiss: 'Keep video',
  /** After the person accepted the offer. */
  videoOff: 'Your connection is weak: your video is off to keep the sound.',
  /** After the data saver did it by itself. */
  videoOffByItself: 'Your connection is weak: data saver turned your video off to keep the sound.',
  restore: 'Turn video back on',
} as const;

/** What the other side's camera being off means, in their words (`name` is how people read it). */
export function remoteCameraOffSentence(name: string, reason: CameraOffReason | undefined): string {
  return reason === 'bandwidth' ? `${name}'s connection is weak: their video is off to keep the sound` : `${name} turned their camera off`;
}
