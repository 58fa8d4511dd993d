/**
 * Refresh tokens are opaque: 256 random bits, handed to the client once and
 * stored only as a SHA-256 hash. A slow hash is not needed: the token has
 * full entropy, unlike a password.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
