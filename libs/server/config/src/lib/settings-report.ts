import { DuetConfig } from './duet-config';

/**
 * One line of the settings the server runs with, for its start-up log: what an operator checks
 * first. Never a secret's value.
 */
export function describeSettings(config: DuetConfig, registry: string): string {
  const auth =
    config.auth.mode === 'none'
      ? 'none'
      : config.auth.mode === 'oidc'
        ? `oidc (issuer ${config.auth.issuer}, client ${config.auth.clientId})`
        : `jwt (${config.auth.jwksUrl ? `JWKS ${config.auth.jwksUrl}` : config.auth.publicKeyFile ? 'public key file' : 'shared secret'})`;
  const turn = config.ice.turn ? `on (${config.ice.turn.urls.join(', ')}, ttl ${config.ice.turn.ttlSeconds} s)` : 'off';
  const proxy = config.trustProxy.mode === 'off' ? 'off' : config.trustProxy.mode === 'hops' ? `${config.trustProxy.hops} hop(s)` : config.trustProxy.addresses.join(', ');
  const database = config.accounts?.database;
  const accounts =
    database === undefined
      ? 'off (AUTH_MODE=none)'
      : database.kind === 'sqlite'
        ? `sqlite in ${database.directory}, history ${config.accounts?.historyDays} days`
        : `postgres at ${postgresHost(database.url)}, history ${config.accounts?.historyDays} days`;
  return [
    `port ${config.port}${config.host ? ` on ${config.host}` : ''}`,
    `tls ${config.tls.mode}`,
    `auth ${auth}`,
    `registry ${registry}`,
    `accounts ${accounts}`,
    `stun/turn servers ${config.ice.servers.length}`,
    `turn credentials ${turn}`,
    `ice policy ${config.ice.transportPolicy}`,
    `trust proxy ${proxy}`,
    `public url ${config.publicOrigin ?? 'unset'}`,
    `resume window ${config.limits.resumeWindowMs / 1_000} s`,
    `call reports ${config.ops.callReports ? 'on' : 'off'}`,
    `video cap ${config.maxVideoBitrateKbps === undefined ? 'none' : `${config.maxVideoBitrateKbps} kbit/s`}`,
  ].join(' · ');
}

/** Where a database is, without who may log in to it (`DATABASE_URL` may hold a password). */
function postgresHost(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `${hostname}${port ? `:${port}` : ''}${pathname}`;
}

/** Set variables that the current settings make pointless, each with what to do about it. */
export function ignoredSettings(env: NodeJS.ProcessEnv, config: DuetConfig): string[] {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const warnings: string[] = [];
  const jwtOnly = ['AUTH_JWT_SECRET', 'AUTH_JWT_PUBLIC_KEY_FILE', 'AUTH_JWT_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_JWT_USERNAME_CLAIM'];
  const ignoredJwt = config.auth.mode !== 'jwt' ? jwtOnly.filter(set) : [];
  if (ignoredJwt.length > 0) {
    const why = config.auth.mode === 'none' ? 'anyone may connect. Set AUTH_MODE=jwt to require tokens.' : 'the OIDC_* settings apply.';
    warnings.push(`${ignoredJwt.join(', ')} ${ignoredJwt.length > 1 ? 'are' : 'is'} set but AUTH_MODE is "${config.auth.mode}": ${why}`);
  }
  const oidcOnly = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_SCOPES', 'OIDC_USERNAME_CLAIM'];
  const ignoredOidc = config.auth.mode !== 'oidc' ? oidcOnly.filter(set) : [];
  if (ignoredOidc.length > 0) {
    warnings.push(`${ignoredOidc.join(', ')} ${ignoredOidc.length > 1 ? 'are' : 'is'} set but AUTH_MODE is "${config.auth.mode}". Set AUTH_MODE=oidc for company sign-in.`);
  }
  const accountsOnly = ['DATA_DIR', 'DATABASE_URL', 'HISTORY_DAYS', 'PUSH_VAPID_PUBLIC_KEY', 'PUSH_VAPID_PRIVATE_KEY', 'PUSH_VAPID_SUBJECT', 'PUSH_ENDPOINT_HOSTS', 'INVITE_SECRET', 'INVITE_TTL_HOURS', 'MAX_GUESTS', 'GUEST_JOINS_PER_MINUTE'];
  const ignoredAccounts = config.accounts === undefined ? accountsOnly.filter(set) : [];
  if (ignoredAccounts.length > 0) {
    warnings.push(`${ignoredAccounts.join(', ')} ${ignoredAccounts.length > 1 ? 'are' : 'is'} set but AUTH_MODE is "none": names are not accounts, so no history or push is kept.`);
  }
  if (config.accounts?.database.kind === 'postgres' && set('DATA_DIR')) warnings.push('DATA_DIR is set but DATABASE_URL is too: the data is in PostgreSQL.');
  if (set('TURN_TTL_SECONDS') && config.ice.turn === undefined) warnings.push('TURN_TTL_SECONDS is set without TURN_SECRET and TURN_URLS: no TURN credentials are issued.');
  if (config.trustProxy.mode !== 'off' && config.publicOrigin === undefined) {
    warnings.push('TRUST_PROXY is set but PUBLIC_URL is not: browsers opening Duet at the proxy\'s address are refused unless it is in ALLOWED_ORIGINS.');
  }
  return warnings;
}
