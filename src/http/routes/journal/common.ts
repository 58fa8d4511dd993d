/** Schemas and limits shared by the journal routes. */
import { Type, type TSchema } from 'typebox';

import { IsoDate, IsoWeek, ListQuery, Problem, Uuid } from '../../schemas.ts';

/** Route body limits: entries carry up to 100,000 characters; everything else is small. */
export const BODY_LIMIT = {
  entry: 1024 * 1024,
  recap: 256 * 1024,
  small: 64 * 1024,
} as const;

/** OpenAPI: every journal route needs the bearer token. */
export const security = [{ bearer: [] }];

export const DateParams = Type.Object({ date: IsoDate }, { additionalProperties: false });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const WeekParams = Type.Object({ week: IsoWeek }, { additionalProperties: false });
export const IdDateParams = Type.Object(
  { id: Uuid, date: IsoDate },
  { additionalProperties: false },
);

export const Range = {
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
};

/** `from`/`to` (inclusive, at most 366 days) with `limit` and `cursor`. */
export const PagedRangeQuery = Type.Object(
  { ...Range, ...ListQuery },
  { additionalProperties: false },
);

export const NoQuery = Type.Object({}, { additionalProperties: false });

/** Every field optional, for PATCH bodies. */
export function optional<P extends Record<string, TSchema>>(fields: P) {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof P]: ReturnType<typeof Type.Optional<P[K]>>;
  };
}

/** The client errors every authenticated journal route may answer. */
export const problems = { 400: Problem, 401: Problem, 404: Problem };

export const NoContent = Type.Null({ description: 'No content' });
