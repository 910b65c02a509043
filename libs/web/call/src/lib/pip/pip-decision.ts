import { CallState } from '@duet/web/rtc';

/** A call with media flowing (or coming back): the only time picture-in-picture has anything to show. */
export function isLiveCall(state: CallState): boolean {
  return state === 'connected' || state === 'reconnecting';
}

export interface HiddenPageSituation {
  hidden: boolean;
  callState: CallState;
  /** The person's "Open picture-in-picture when I switch tabs". */
  autoOpen: boolean;
  /** A picture-in-picture window is already showing (or being asked for). */
  open: boolean;
  /** The browser opens it itself through MediaSession's `enterpictureinpicture` (Chrome). */
  browserOpensIt: boolean;
}

/**
 * Whether the page becoming hidden should ask for picture-in-picture. Where the browser opens it
 * itself (the MediaSession action), it does so with the user activation a request needs; asking
 * on `visibilitychange` is the fallback elsewhere, and may be refused for want of a gesture.
 */
export function shouldOpenOnHidden(situation: HiddenPageSituation): boolean {
  return (
    situation.hidden &&
    isLiveCall(situation.callState) &&
    situation.autoOpen &&
    !situation.open &&
    !situation.browserOpensIt
  );
}
