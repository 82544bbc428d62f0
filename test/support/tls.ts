import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway CA and a server certificate it signed, for HTTPS test servers on 127.0.0.1. */
export interface TestTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** The CA on disk, for NODE_EXTRA_CA_CERTS in child processes. */
  readonly caFile: string;
  readonly dir: string;
  /** Removes the temp dir. */
  cleanup(): void;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Generates a fresh CA and a server certificate for 127.0.0.1 / localhost / ::1 with the
 * `openssl` CLI. Nothing is cached: each call makes new keys, so no test trusts another's CA.
 */
export function createTestTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'test-tls-'));
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=mesos-autoscaler test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr',
    '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'server.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
    '',
  ].join('\n'));
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-sha256', '-extfile', 'server.ext']);
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    caPem: read('ca.pem'),
    certPem: read('server.pem'),
    keyPem: read('server.key'),
    caFile: join(dir, 'ca.pem'),
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
