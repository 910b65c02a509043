import { MAX_PUSH_SUBSCRIPTIONS } from '@duet/shared/protocol';

/** Why turning the switch on did not work. */
export type PushProblem =
  | 'not-allowed'
  | 'push-service'
  | 'server-unreachable'
  | 'too-many'
  | { readonly refused: string };

export type PushState =
  | { readonly kind: 'checking' | 'turning-on' | 'turning-off' | 'on' | 'unsupported' | 'no-worker' | 'denied' }
  | { readonly kind: 'off'; readonly problem?: PushProblem };

/** What the switch says under it, in words. */
export function pushStateWords(state: PushState): string {
  switch (state.kind) {
    case 'checking':
      return 'Checking this browser…';
    case 'turning-on':
      return 'Turning on…';
    case 'turning-off':
      return 'Turning off…';
    case 'on':
      return 'On: calls ring this browser even when Duet is closed.';
    case 'unsupported':
      return 'This browser cannot ring Duet while it is closed: it has no Web Push here (it needs https).';
    case 'no-worker':
      return 'Duet’s background helper (its service worker) is not running on this page, so it cannot ring when closed. Reload the page and try again.';
    case 'denied':
      return 'Notifications are blocked for Duet in this browser (or this is a private window): allow them in the site settings, then turn this on.';
    case 'off':
      return state.problem === undefined ? 'Off: calls reach you only while Duet is open.' : pushProblemWords(state.problem);
  }
}

function pushProblemWords(problem: PushProblem): string {
  switch (problem) {
    case 'not-allowed':
      return 'Notifications were not allowed, so Duet cannot ring this browser. Turn this on again to be asked again.';
    case 'push-service':
      return 'This browser’s push service could not be reached, so Duet cannot ring it while closed. Check the network (a firewall may block it) and try again.';
    case 'server-unreachable':
      return 'The Duet server could not be reached: try again.';
    case 'too-many':
      return `You already have ${MAX_PUSH_SUBSCRIPTIONS} browsers ringing: turn this off in one of them first.`;
    default:
      return `The server did not accept this browser: ${problem.refused}`;
  }
}
