/**
 * Feels: a morning pulse and an end-of-day reflection, at most one of each per
 * day. Everything the person answers is sealed; only the day and the kind
 * (morning or evening) stay plain.
 */
import { Type, type Static } from 'typebox';

import { decodeCursor, toPage, type Page } from '../../pagination.ts';
import {
  now,
  ownedIds,
  requireOwned,
  sealerFor,
  upsertByKey,
  type JournalContext,
  type Sealer,
} from '../vault.ts';
import * as repo from './feels.repository.ts';

/** Field schemas, shared by the sealed payloads and the HTTP layer. */
export const MorningFields = {
  mentalState: Type.Integer({ minimum: 1, maximum: 10, description: '1 (worst) to 10 (best)' }),
  strongestEmotion: Type.String({ maxLength: 100 }),
  avoiding: Type.String({ maxLength: 2000 }),
  habitsDone: Type.Array(Type.String({ format: 'uuid' }), {
    maxItems: 100,
    description: 'Ids of your habits done this morning',
  }),
};

export const EveningFields = {
  gaveEnergy: Type.String({ maxLength: 2000 }),
  drainedEnergy: Type.String({ maxLength: 2000 }),
  pressureOrPurpose: Type.Union([
    Type.Literal('pressure'),
    Type.Literal('purpose'),
    Type.Literal('both'),
    Type.Literal('neither'),
  ]),
  honestNote: Type.String({ maxLength: 5000 }),
};

export const Morning = Type.Object(MorningFields, { additionalProperties: false });
export const Evening = Type.Object(EveningFields, { additionalProperties: false });
export type Morning = Static<typeof Morning>;
export type Evening = Static<typeof Evening>;

export interface FeelsDay {
  readonly date: string;
  readonly morning: Morning | null;
  readonly evening: Evening | null;
}

export interface FeelsListQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * Groups rows into days (in the order the rows come), opening each payload.
 * Habits deleted since a morning was written drop out of its `habitsDone`.
 */
async function toDays(
  ctx: JournalContext,
  sealer: Sealer,
  rows: readonly repo.FeelRow[],
): Promise<FeelsDay[]> {
  const days = new Map<
    string,
    { date: string; morning: Morning | null; evening: Evening | null }
  >();
  for (const row of rows) {
    const day = days.get(row.feel_date) ?? { date: row.feel_date, morning: null, evening: null };
    if (row.kind === 'morning') day.morning = sealer.open('feels', row, Morning);
    else day.evening = sealer.open('feels', row, Evening);
    days.set(row.feel_date, day);
  }
  const mentioned = [...days.values()].flatMap((d) => d.morning?.habitsDone ?? []);
  const habits = await ownedIds(ctx.db, 'habits', sealer.userId, mentioned);
  for (const day of days.values()) {
    if (day.morning) {
      day.morning = {
        ...day.morning,
        habitsDone: day.morning.habitsDone.filter((id) => habits.has(id)),
      };
    }
  }
  return [...days.values()];
}

export class FeelsService {
  constructor(private readonly ctx: JournalContext) {}

  /** The day's check-ins; a day without any is `{date, morning: null, evening: null}`. */
  async getDay(userId: string, date: string): Promise<FeelsDay> {
    const [day] = await this.between(userId, date, date);
    return day ?? { date, morning: null, evening: null };
  }

  /** Days `from`..`to` with at least one check-in, oldest first (for summaries). */
  async between(userId: string, from: string, to: string): Promise<FeelsDay[]> {
    const sealer = await sealerFor(this.ctx, userId);
    return toDays(this.ctx, sealer, await repo.feelsBetween(this.ctx.db, userId, from, to));
  }

  /** Days with a check-in, newest first, paginated by day. */
  async list(userId: string, query: FeelsListQuery): Promise<Page<FeelsDay>> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1)[0];
    const dates = await repo.feelDays(this.ctx.db, userId, {
      from: query.from,
      to: query.to,
      before,
      limit: query.limit + 1,
    });
    const page = dates.slice(0, query.limit);
    const oldest = page[page.length - 1];
    const newest = page[0];
    const days =
      oldest === undefined || newest === undefined
        ? []
        : await this.between(userId, oldest, newest);
    const byDate = new Map(days.map((d) => [d.date, d]));
    return toPage(
      dates,
      query.limit,
      (date) => [date],
      (date) => byDate.get(date) ?? { date, morning: null, evening: null },
    );
  }

  async putMorning(userId: string, date: string, morning: Morning): Promise<FeelsDay> {
    const habitsDone = await requireOwned(
      this.ctx.db,
      'habits',
      userId,
      morning.habitsDone,
      'A habit',
    );
    await this.put(userId, date, 'morning', { ...morning, habitsDone });
    return this.getDay(userId, date);
  }

  async putEvening(userId: string, date: string, evening: Evening): Promise<FeelsDay> {
    await this.put(userId, date, 'evening', evening);
    return this.getDay(userId, date);
  }

  private async put(
    userId: string,
    date: string,
    kind: repo.FeelKind,
    payload: Morning | Evening,
  ): Promise<void> {
    const sealer = await sealerFor(this.ctx, userId);
    const { db } = this.ctx;
    await upsertByKey({
      find: () => repo.findFeelId(db, userId, date, kind),
      insert: (id) => {
        const at = now();
        const sealed = sealer.seal('feels', id, payload);
        return repo.insertFeel(db, {
          id,
          user_id: userId,
          feel_date: date,
          kind,
          payload: sealed,
          created_at: at,
          updated_at: at,
        });
      },
      update: (id) =>
        repo.updateFeel(db, userId, id, {
          payload: sealer.seal('feels', id, payload),
          updated_at: now(),
        }),
    });
  }
}
