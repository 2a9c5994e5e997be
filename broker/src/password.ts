// Password hashes of the users file: `scrypt$N$r$p$salt$hash` (salt and hash in base64).
// node:crypto's scrypt (OpenSSL) does the work; the format is six fields, so a hashing library
// would add a dependency (and often a native addon to build for the Pi) for a dozen lines.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Derive } from './hash-workers.ts';

/** OWASP's minimum for scrypt: N=2^17 costs 128 MiB per check; 2^15 keeps a Pi 3 usable (32 MiB, ~0.1 s). */
export const DEFAULT_COST = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
// A users file is trusted, but a typo like N=2^30 would make every login eat gigabytes.
const MAX_N = 2 ** 20;

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export function parseHash(encoded: string): Parsed {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new PasswordHashError('expected scrypt$N$r$p$salt$hash');
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) {
    throw new PasswordHashError(`scrypt N must be a power of two between 2 and ${MAX_N}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) {
    throw new PasswordHashError('scrypt r must be 1..32 and p 1..16');
  }
  const salt = Buffer.from(parts[4] as string, 'base64');
  const hash = Buffer.from(parts[5] as string, 'base64');
  if (salt.length < 8 || hash.length < 16) throw new PasswordHashError('salt or hash too short');
  return { N, r, p, salt, hash };
}

function derive(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
  length: number,
  via?: Derive,
): Promise<Buffer> {
  // maxmem must cover 128*N*r bytes, or OpenSSL refuses large N.
  const maxmem = 128 * N * r * 2;
  if (via) return via({ password: password.normalize('NFC'), salt, length, N, r, p, maxmem });
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, { N, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_COST) {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost.N, cost.r, cost.p, KEY_LENGTH);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Constant-time check of a password against an encoded hash; false for a malformed hash. `via`
 * runs the scrypt elsewhere (the broker's hash threads, hash-workers.ts); Node's thread pool otherwise.
 */
export async function verifyPassword(password: string, encoded: string, via?: Derive): Promise<boolean> {
  let parsed: Parsed;
  try {
    parsed = parseHash(encoded);
  } catch {
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.hash.length, via);
  return timingSafeEqual(key, parsed.hash);
}
