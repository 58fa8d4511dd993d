/**
 * The sealed payload of each kind of row, for {@link Sealer.open} and for
 * checking what an import is about to seal. Each is built from the field
 * schemas its feature exports, exactly as the feature's service builds its
 * own (`Type.Object(Fields, { additionalProperties: false })`), so a payload
 * the import seals is one the service opens. Morning and Evening are exported
 * by the feels service as they are.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

import { EntryFields } from '../entries/entries.service.ts';
import { HabitFields } from '../habits/habits.service.ts';
import { MoodFields, MoodLogFields } from '../moods/moods.service.ts';
import { PillarFields } from '../pillars/pillars.service.ts';
import type { Sealer, SealedTable } from '../vault.ts';
import { RecapFields } from '../weekly/weekly.service.ts';

const strict = { additionalProperties: false } as const;

export const PillarPayload = Type.Object(PillarFields, strict);
export const HabitPayload = Type.Object(HabitFields, strict);
export const MoodPayload = Type.Object(MoodFields, strict);
export const MoodLogPayload = Type.Object(MoodLogFields, strict);
export const EntryPayload = Type.Object(EntryFields, strict);
export const RecapPayload = Type.Object(RecapFields, strict);

/** The payload's own fields out of a larger object (a document row), in the schema's order. */
export function payloadOf<S extends TSchema & { properties: Record<string, TSchema> }>(
  schema: S,
  source: Record<string, unknown>,
): Static<S> {
  return Object.fromEntries(
    Object.keys(schema.properties).map((key) => [key, source[key]]),
  ) as Static<S>;
}

/**
 * Seals a payload after checking it against the schema its service opens it
 * with. A payload that failed here would be sealed for good and then refused
 * on every read, so a mismatch is our own mistake and stops the import.
 */
export function sealChecked<S extends TSchema>(
  sealer: Sealer,
  table: SealedTable,
  rowId: string,
  schema: S,
  payload: Static<S>,
): Buffer {
  if (!Value.Check(schema, payload)) throw new Error(`import built a malformed ${table} payload`);
  return sealer.seal(table, rowId, payload);
}
