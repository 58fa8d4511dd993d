/**
 * Password rules after NIST SP 800-63B section 5.1.1.2: length 12 to 256, no
 * composition rules, and no password found in a list of common ones or built
 * from the context (the email's local part, the service name).
 */
import { dictionary } from '@zxcvbn-ts/language-common';

import { badRequest } from '../../errors.ts';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
const SERVICE_WORDS = ['daybook'];

/** Throws a 400 naming the field when `password` breaks a rule; never echoes the password. */
export function checkPassword(password: string, email: string, field = 'password'): void {
  const fail = (message: string) => {
    throw badRequest(`${field} ${message}`, [{ path: `/body/${field}`, message }]);
  };
  const length = [...password].length;
  if (length < PASSWORD_MIN) fail(`must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) fail(`must be at most ${PASSWORD_MAX} characters`);

  const lowered = password.toLowerCase();
  if (COMMON.has(lowered)) fail('is too common; choose another');
  // Letters only, so "alice2026!!" and "Day-Book 123456" count as built from "alice" and "daybook".
  const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}]/gu, '');
  const localPart = letters(email.split('@')[0] ?? '');
  const context = [localPart, ...SERVICE_WORDS].filter((word) => word.length >= 3);
  if (context.includes(letters(password))) {
    fail('must not be built from your email address or the service name');
  }
}
