import { ConfigError, TlsConfig } from '@duet/server/config';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

/** Where `TLS=self-signed` keeps its certificate, so browsers are asked to trust it once, not at every start. */
const LAN_CERT_DIR = join(process.cwd(), '.duet', 'tls');
const LAN_CERT_DAYS = 365;

/** The key and certificate for HTTPS/WSS, or undefined for plain HTTP. Fails with the variable to fix. */
export async function loadTls(config: TlsConfig): Promise<TlsMaterial | undefined> {
  switch (config.mode) {
    case 'off':
      return undefined;
    case 'files':
      return { cert: readPem(config.certFile, 'TLS_CERT'), key: readPem(config.keyFile, 'TLS_KEY') };
    case 'self-signed':
      return lanCertificate();
  }
}

function readPem(file: string, variable: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid ${variable}="${file}": cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!text.includes('-----BEGIN')) throw new ConfigError(`Invalid ${variable}="${file}": not a PEM file`);
  return text;
}

/** The names and addresses another machine on the LAN may use to reach this one. */
export function lanNames(): { dns: string[]; ips: string[] } {
  const own = hostname().toLowerCase();
  const ips = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .map(({ address }) => address.split('%')[0]);
  return { dns: [...new Set(['localhost', own, `${own}.local`])], ips: [...new Set(['127.0.0.1', '::1', ...ips])] };
}

/**
 * A self-signed certificate for this machine's names and addresses, made once and reused while it
 * is valid and still covers every address (a new DHCP lease makes a new one).
 */
async function lanCertificate(): Promise<TlsMaterial> {
  const { dns, ips } = lanNames();
  const certFile = join(LAN_CERT_DIR, 'cert.pem');
  const keyFile = join(LAN_CERT_DIR, 'key.pem');
  try {
    const cached = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    const x509 = new X509Certificate(cached.cert);
    const covers = [...dns.map((name) => `DNS:${name}`), ...ips.map((ip) => `IP Address:${ip}`)];
    const san = x509.subjectAltName ?? '';
    if (new Date(x509.validTo).getTime() > Date.now() + 86_400_000 && covers.every((entry) => san.includes(entry))) return cached;
  } catch {
    // None yet, or unreadable: make one.
  }
  const notAfter = new Date(Date.now() + LAN_CERT_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: dns[1] ?? 'duet' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(LAN_CERT_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private };
}
