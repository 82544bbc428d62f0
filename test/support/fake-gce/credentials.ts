import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway service-account key, made for one test run; no Google service knows it. */
export interface TestServiceAccount {
  readonly clientEmail: string;
  readonly privateKeyPem: string;
  readonly publicKey: KeyObject;
  /** The key as a JSON file in the service-account key format, for GOOGLE_APPLICATION_CREDENTIALS. */
  readonly keyFile: string;
  cleanup(): void;
}

/** Generates an RSA key pair and writes a service-account key file (format of `gcloud iam service-accounts keys create`). */
export function createTestServiceAccount(project = 'mesos-test-project'): TestServiceAccount {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const clientEmail = `autoscaler@${project}.iam.gserviceaccount.com`;
  const dir = mkdtempSync(join(tmpdir(), 'fake-gce-'));
  const keyFile = join(dir, 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: project,
      private_key_id: 'test-key-1',
      private_key: privateKeyPem,
      client_email: clientEmail,
      client_id: '100000000000000000001',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
    { mode: 0o600 },
  );
  return { clientEmail, privateKeyPem, publicKey: createPublicKey(privateKeyPem), keyFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Claims of a self-signed service-account JWT, as google-auth-library's JWTAccess makes them. */
export interface JwtClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string;
  readonly scope?: string;
  readonly exp?: number;
}

/** Checks a `Bearer <jwt>` header: RS256 signature by `publicKey`, issuer, expiry. Returns the claims or why not. */
export function checkSelfSignedJwt(authorization: string | undefined, account: Pick<TestServiceAccount, 'publicKey' | 'clientEmail'>): { ok: true; claims: JwtClaims } | { ok: false; why: string } {
  const m = /^Bearer ([^.]+)\.([^.]+)\.([^.]+)$/.exec(authorization ?? '');
  if (!m?.[1] || !m[2] || !m[3]) return { ok: false, why: 'no bearer JWT' };
  const header = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { alg?: string };
  if (header.alg !== 'RS256') return { ok: false, why: `alg ${header.alg ?? 'none'}` };
  const signed = verify('RSA-SHA256', Buffer.from(`${m[1]}.${m[2]}`), account.publicKey, Buffer.from(m[3], 'base64url'));
  if (!signed) return { ok: false, why: 'bad signature' };
  const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8')) as JwtClaims;
  if (claims.iss !== account.clientEmail) return { ok: false, why: `issuer ${claims.iss ?? 'none'}` };
  if (!claims.exp || claims.exp * 1000 < Date.now()) return { ok: false, why: 'expired' };
  return { ok: true, claims };
}
