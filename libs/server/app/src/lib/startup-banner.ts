import { DuetConfig } from '@duet/server/config';
import { OIDC_CALLBACK_PATH } from '@duet/shared/protocol';
import { isIP } from 'node:net';
import { lanNames } from './tls';

/**
 * What to tell the person who just started Duet: where it is served, and, on a LAN, which
 * addresses another machine can open and what its browser will say about a self-signed certificate.
 */
export function startupBanner(config: DuetConfig, port: number): string[] {
  const scheme = config.tls.mode === 'off' ? 'http' : 'https';
  const shown = config.host && config.host !== '::' && config.host !== '0.0.0.0' ? config.host : 'localhost';
  const lines = [`Duet is serving on ${scheme}://${shown}:${port} (signaling at /ws)`];
  if (config.auth.mode === 'oidc') {
    // What the provider's administrator must register, or sign-in fails there with a redirect_uri error.
    const origin = config.publicOrigin ?? `${scheme}://${shown}:${port}`;
    lines.push(
      `Company sign-in at ${config.auth.issuer} as client ${config.auth.clientId}: register ${origin}${OIDC_CALLBACK_PATH} as its redirect URI and ${origin}/ as its post-logout redirect URI (set PUBLIC_URL to the address people open)`,
    );
  }
  if (config.redis !== undefined) {
    // Host and port only: the URL may carry a password.
    const { host } = new URL(config.redis.url);
    lines.push(`Users are shared with every instance using Redis at ${host} (keys ${config.redis.keyPrefix}*); /readyz says when this one serves`);
  }
  const listensBeyondLoopback = config.host === undefined || config.host === '::' || config.host === '0.0.0.0';
  if (scheme === 'http') {
    if (listensBeyondLoopback) {
      lines.push(
        'Browsers allow the camera only on https:// or localhost: to call from another machine, run `npm run start:lan` (or set TLS_CERT/TLS_KEY).',
      );
    }
    return lines;
  }
  if (config.tls.mode === 'self-signed' && listensBeyondLoopback) {
    const addresses = lanNames().ips.filter((ip) => isIP(ip) === 4 && !ip.startsWith('127.'));
    lines.push(
      `On another machine of this network, open ${addresses.map((ip) => `https://${ip}:${port}`).join(' or ') || `https://<this machine's address>:${port}`}`,
      'The certificate is self-signed, so the browser first warns "Your connection is not private" (NET::ERR_CERT_AUTHORITY_INVALID) or "Warning: Potential Security Risk Ahead": choose Advanced, then Proceed / Accept the Risk. It is made once, kept in .duet/tls/, and reused.',
    );
  }
  return lines;
}
