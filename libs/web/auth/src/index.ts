export * from './lib/auth-settings-loader';
export * from './lib/provide-sign-in';
export { OPEN_FROM_PORTAL, SIGNED_OUT_OF_PORTAL } from './lib/portal/portal-sign-in-flow';
export { forgetEndedGuest, isGuestPage } from './lib/guest/guest-page';
