/**
 * TOTP (RFC 6238) through otpauth: SHA-1, 6 digits, 30-second steps, one step
 * of clock drift accepted either side (RFC 6238 section 5.2). otpauth compares
 * codes in constant time.
 */
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD = 30;
const SECRET_BYTES = 20; // 160 bits, RFC 4226 section 4's recommended length

function totp(secretBase32: string, label = 'Daybook'): TOTP {
  return new TOTP({
    issuer: 'Daybook',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

export function otpauthUri(secretBase32: string, accountName: string): string {
  return totp(secretBase32, accountName).toString();
}

/** The time step a code belongs to, or null when it matches none in the window. */
export function matchingStep(secretBase32: string, code: string, now = Date.now()): number | null {
  const delta = totp(secretBase32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}
