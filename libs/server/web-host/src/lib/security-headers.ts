import { JOIN_PATH_PREFIX } from '@duet/shared/protocol';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Connect-style middleware, as Express and helmet take it. */
export type HttpMiddleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The Content Security Policy the built Angular app runs under. Scripts only from this origin and
 * no inline handlers, so an injected string can never run; styles may be inline because Angular
 * puts component styles in `<style>` elements at run time. `connect-src 'self'` covers the
 * same-origin `ws:`/`wss:` signaling socket. Media is `MediaStream`s set as `srcObject`, which
 * needs no source.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    // WebAssembly may be compiled (RNNoise in its AudioWorklet, MediaPipe's selfie segmentation),
    // never JavaScript from strings: 'wasm-unsafe-eval' is not 'unsafe-eval'.
    scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    mediaSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    // The call page must not be framed: a framing site could click its buttons through an overlay.
    frameAncestors: ["'none'"],
  },
};

export interface SecurityHeadersOptions {
  /**
   * Origins the app may fetch besides its own (`connect-src`): with company sign-in, the OpenID
   * provider's (discovery, token, userinfo and revocation endpoints). Default: none.
   */
  readonly connectOrigins?: readonly string[];
}

/**
 * HTTP security headers for everything the server answers (helmet): the CSP above, no framing
 * (also as `X-Frame-Options` for old browsers), `nosniff`, no referrer, no `X-Powered-By`, and a
 * Permissions-Policy that grants camera, microphone and screen capture to this origin only.
 * HSTS is left to whoever terminates TLS: over plain http on a LAN it would do harm. An invite
 * page (`/join/<token>`: the token is in the URL) is never cached, by the browser or on the way.
 */
export function securityHeaders({ connectOrigins = [] }: SecurityHeadersOptions = {}): HttpMiddleware[] {
  const directives = { ...CONTENT_SECURITY_POLICY.directives, connectSrc: ["'self'", ...connectOrigins] };
  return [
    helmet({
      contentSecurityPolicy: { ...CONTENT_SECURITY_POLICY, directives },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
      // Cross-origin isolation would block nothing Duet needs, but a COEP would break embedding
      // by enterprises that link assets; keep the opener policy only.
      crossOriginEmbedderPolicy: false,
    }),
    (request, response, next) => {
      response.setHeader(
        'Permissions-Policy',
        'camera=(self), microphone=(self), display-capture=(self), speaker-selection=(self), geolocation=(), payment=(), usb=()',
      );
      if (request.url?.startsWith(JOIN_PATH_PREFIX)) response.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}
