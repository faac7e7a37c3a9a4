import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The certificate the Azure test doubles serve HTTPS with: Azure's management and identity
 * clients refuse bearer tokens over plain http, so the doubles speak TLS on 127.0.0.1.
 *
 * Made once with the openssl CLI into a cache folder and reused, so vitest.config.mts can point
 * NODE_EXTRA_CA_CERTS at it before any worker or CLI process starts (Node reads that variable
 * only at start-up). Self-signed, CA:TRUE, with SANs IP:127.0.0.1 and DNS:localhost.
 */
export interface TestTls {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'rdeploy-test-tls');

export function testTls(): TestTls {
  const certPath = path.join(DIR, 'cert.pem');
  const keyPath = path.join(DIR, 'key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) generate(certPath, keyPath);
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

function generate(certPath: string, keyPath: string): void {
  mkdirSync(DIR, { recursive: true });
  // Written under a temporary name and renamed into place: two processes starting at once never
  // read a half-written pair (the last rename wins, and each pair is complete).
  const tmp = path.join(DIR, `tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
        '-subj', '/CN=rdeploy test double',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
        '-addext', 'extendedKeyUsage=serverAuth',
        '-keyout', path.join(tmp, 'key.pem'),
        '-out', path.join(tmp, 'cert.pem'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Key first: a reader checks for both, and the cert's presence implies its key's.
    renameSync(path.join(tmp, 'key.pem'), keyPath);
    renameSync(path.join(tmp, 'cert.pem'), certPath);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
