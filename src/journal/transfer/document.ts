/**
 * The export document (docs/export-format.md): everything a person wrote, as
 * one JSON object with a format name and a version. One schema serves three
 * ends: it documents the export's answer, it validates an import's body, and
 * it gives both their TypeScript type.
 *
 * Content fields come from each feature's own field schemas, so the limits an
 * import is held to are exactly those of the journal's routes. Sizes are
 * bounded per array; the route's body limit bounds the whole.
 */
import { Type, type Static } from 'typebox';

import { EntryFields, MAX_PILLARS_PER_ENTRY } from '../entries/entries.service.ts';
import { Evening, Morning } from '../feels/feels.service.ts';
import { HabitFields } from '../habits/habits.service.ts';
import { MAX_OWN_MOODS, MoodFields, MoodLogFields } from '../moods/moods.service.ts';
import { MAX_ITEMS } from '../ordered.ts';
import { PillarFields } from '../pillars/pillars.service.ts';
import { RecapFields } from '../weekly/weekly.service.ts';

export const EXPORT_FORMAT = 'daybook-export';
export const EXPORT_VERSION = 1;

/** More days than a century holds: the most entries, days of feels or checks of one habit. */
export const MAX_DAYS = 40_000;
/** More ISO weeks than a century holds. */
export const MAX_WEEKS = 6_000;
export const MAX_MOOD_LOGS = 500_000;
export const MAX_HABIT_CHECKS = MAX_ITEMS * MAX_DAYS;

const strict = { additionalProperties: false } as const;

const IsoDate = Type.String({
  format: 'date',
  pattern: '^[1-9]\\d{3}-\\d{2}-\\d{2}$',
  description: 'A calendar date that exists, YYYY-MM-DD, in the years 1000 to 9999',
});

const IsoWeek = Type.String({
  pattern: '^[1-9]\\d{3}-W\\d{2}$',
  description: 'An ISO week that exists, YYYY-Www, with all its days in the years 1000 to 9999',
});

/** A link to a row of this document, by its document id. */
const Link = (what: string) => Type.String({ format: 'uuid', description: what });

const Instant = Type.String({
  format: 'date-time',
  maxLength: 40,
  description: 'ISO 8601 timestamp with a time zone; stored in UTC',
});

/** Kept from the document when given; the time of the import otherwise. */
const Stamps = {
  createdAt: Type.Optional(Instant),
  updatedAt: Type.Optional(Instant),
};

const Position = Type.Integer({
  minimum: 0,
  maximum: 1_000_000_000,
  description: 'Order among its kind, smallest first',
});

const DocumentId = Type.String({
  format: 'uuid',
  description: 'An id inside this document only; the import gives every row a fresh one',
});

export const ExportProfile = Type.Object(
  {
    email: Type.Optional(
      Type.String({ maxLength: 320, description: 'For reference; never imported' }),
    ),
    displayName: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]),
    timeZone: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  },
  strict,
);

export const ExportPillar = Type.Object(
  { id: DocumentId, ...PillarFields, archived: Type.Boolean(), position: Position, ...Stamps },
  strict,
);

export const ExportHabit = Type.Object(
  { id: DocumentId, ...HabitFields, archived: Type.Boolean(), position: Position, ...Stamps },
  strict,
);

export const ExportHabitCheck = Type.Object(
  { habitId: Link('A habit of this document'), date: IsoDate },
  strict,
);

export const ExportMood = Type.Object(
  { id: DocumentId, ...MoodFields, archived: Type.Boolean(), ...Stamps },
  { ...strict, description: 'A mood of your own; system moods are not listed' },
);

export const ExportEntry = Type.Object(
  {
    id: Type.Optional(DocumentId),
    date: IsoDate,
    ...EntryFields,
    pillarIds: Type.Array(Link('A pillar of this document'), {
      maxItems: MAX_PILLARS_PER_ENTRY,
    }),
    ...Stamps,
  },
  strict,
);

export const ExportFeelsDay = Type.Object(
  {
    date: IsoDate,
    morning: Type.Union([Morning, Type.Null()]),
    evening: Type.Union([Evening, Type.Null()]),
  },
  { ...strict, description: "A day's check-ins; habitsDone names habits of this document" },
);

export const ExportMoodLog = Type.Object(
  {
    id: Type.Optional(DocumentId),
    moodId: Link('A system mood (by its fixed id) or a mood of this document'),
    ...MoodLogFields,
    at: Instant,
  },
  strict,
);

export const ExportRecap = Type.Object(
  { week: IsoWeek, ...RecapFields, ...Stamps },
  { ...strict, description: "The person's own fields; the computed summary is not exported" },
);

export const ExportDocument = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    version: Type.Literal(EXPORT_VERSION),
    exportedAt: Type.Optional(Instant),
    profile: Type.Optional(ExportProfile),
    pillars: Type.Optional(Type.Array(ExportPillar, { maxItems: MAX_ITEMS })),
    habits: Type.Optional(Type.Array(ExportHabit, { maxItems: MAX_ITEMS })),
    habitChecks: Type.Optional(Type.Array(ExportHabitCheck, { maxItems: MAX_HABIT_CHECKS })),
    moods: Type.Optional(Type.Array(ExportMood, { maxItems: MAX_OWN_MOODS })),
    entries: Type.Optional(Type.Array(ExportEntry, { maxItems: MAX_DAYS })),
    feels: Type.Optional(Type.Array(ExportFeelsDay, { maxItems: MAX_DAYS })),
    moodLog: Type.Optional(Type.Array(ExportMoodLog, { maxItems: MAX_MOOD_LOGS })),
    weeklyRecaps: Type.Optional(Type.Array(ExportRecap, { maxItems: MAX_WEEKS })),
  },
  { ...strict, description: 'A Daybook export (docs/export-format.md)' },
);

export type ExportDocument = Static<typeof ExportDocument>;
export type ExportProfile = Static<typeof ExportProfile>;
export type ExportPillar = Static<typeof ExportPillar>;
export type ExportHabit = Static<typeof ExportHabit>;
export type ExportHabitCheck = Static<typeof ExportHabitCheck>;
export type ExportMood = Static<typeof ExportMood>;
export type ExportEntry = Static<typeof ExportEntry>;
export type ExportFeelsDay = Static<typeof ExportFeelsDay>;
export type ExportMoodLog = Static<typeof ExportMoodLog>;
export type ExportRecap = Static<typeof ExportRecap>;
