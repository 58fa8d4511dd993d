/** Shared TypeBox schemas: one schema gives validation, types and the OpenAPI spec. */
import { Type, type TSchema } from 'typebox';

import { DEFAULT_LIMIT, MAX_LIMIT } from '../pagination.ts';

export const Uuid = Type.String({ format: 'uuid', description: 'A UUID' });

export const IsoDate = Type.String({
  format: 'date',
  pattern: '^[1-9]\\d{3}-\\d{2}-\\d{2}$',
  description: 'A calendar date that exists, YYYY-MM-DD, in the years 1000 to 9999',
  examples: ['2026-12-03'],
});

export const IsoWeek = Type.String({
  pattern: '^[1-9]\\d{3}-W\\d{2}$',
  description: 'An ISO week, YYYY-Www, with all its days in the years 1000 to 9999',
  examples: ['2026-W49'],
});

export const Timestamp = Type.String({ description: 'ISO 8601 UTC timestamp' });

/** Checked again after normalisation by the account service. */
export const Email = Type.String({ minLength: 3, maxLength: 320, description: 'Email address' });

/** The policy (12-256, not common) is applied by the service; this bounds the work. */
export const Password = Type.String({ minLength: 1, maxLength: 256 });

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
};

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    requestId: Type.Optional(Type.String()),
  },
  { description: 'RFC 9457 problem details' },
);

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });
}

/** Strict object: unknown fields are refused, never silently dropped. */
export function Body<P extends Record<string, TSchema>>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

export const TotpCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'Six-digit code from the authenticator app',
});

export const RecoveryCode = Type.String({
  minLength: 16,
  maxLength: 40,
  pattern: '^[A-Za-z0-9 -]+$',
  description: 'One of the recovery codes given when MFA was enabled',
});
