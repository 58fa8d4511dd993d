/**
 * Weekly recaps: per ISO week, the person's own wins, patterns and course
 * corrections (sealed), always answered together with the week's computed
 * summary — pillar scores, feels and habit completion — even for a week
 * nothing was written about.
 */
import { randomUUID } from 'node:crypto';

import { Type, type Static } from 'typebox';

import { decodeCursor, toPage, type Page } from '../../pagination.ts';
import { weekDates, weekOf, type Week } from '../calendar.ts';
import { fold } from '../entries/search.ts';
import type { FeelsDay, FeelsService } from '../feels/feels.service.ts';
import type { HabitService } from '../habits/habits.service.ts';
import type { PillarScore, PillarService } from '../pillars/pillars.service.ts';
import { editSealed, now, sealerFor, writeIfUnchanged, type JournalContext } from '../vault.ts';
import * as repo from './weekly.repository.ts';

/** Field schemas, shared by the sealed payload and the HTTP layer. */
export const RecapFields = {
  wins: Type.String({ maxLength: 10_000 }),
  patterns: Type.String({ maxLength: 10_000 }),
  courseCorrections: Type.String({ maxLength: 10_000 }),
};

const RecapPayload = Type.Object(RecapFields, { additionalProperties: false });
type RecapPayload = Static<typeof RecapPayload>;

const EMPTY: RecapPayload = { wins: '', patterns: '', courseCorrections: '' };

export interface WeekSummary {
  readonly pillars: PillarScore[];
  readonly feels: {
    /** Mean morning mental state (1-10, one decimal), null without mornings. */
    readonly mentalStateAverage: number | null;
    /** The strongest emotion named most often in the mornings, null when none. */
    readonly topEmotion: string | null;
    /** Days of the week with a morning or evening check-in. */
    readonly days: number;
  };
  readonly habits: { readonly completionRate: number };
}

export interface Recap extends RecapPayload {
  readonly week: string;
  readonly summary: WeekSummary;
  /** When the person last wrote this recap; null when they never did. */
  readonly updatedAt: string | null;
}

/**
 * The emotion named most often (compared case- and accent-insensitively),
 * spelled as first written; a tie goes to the one named most recently.
 */
export function topEmotion(emotions: readonly string[]): string | null {
  const seen = new Map<string, { spelling: string; count: number; last: number }>();
  emotions.forEach((emotion, index) => {
    const spelling = emotion.trim();
    if (spelling === '') return;
    const key = fold(spelling);
    const entry = seen.get(key) ?? { spelling, count: 0, last: index };
    seen.set(key, { ...entry, count: entry.count + 1, last: index });
  });
  let best: { spelling: string; count: number; last: number } | undefined;
  for (const entry of seen.values()) {
    if (
      !best ||
      entry.count > best.count ||
      (entry.count === best.count && entry.last > best.last)
    ) {
      best = entry;
    }
  }
  return best?.spelling ?? null;
}

function feelsSummary(days: readonly FeelsDay[]): WeekSummary['feels'] {
  const mornings = days.flatMap((d) => (d.morning ? [d.morning] : []));
  const average =
    mornings.length === 0
      ? null
      : Math.round((mornings.reduce((sum, m) => sum + m.mentalState, 0) / mornings.length) * 10) /
        10;
  return {
    mentalStateAverage: average,
    topEmotion: topEmotion(mornings.map((m) => m.strongestEmotion)),
    days: days.length,
  };
}

export class WeeklyService {
  constructor(
    private readonly ctx: JournalContext,
    private readonly pillars: PillarService,
    private readonly feels: FeelsService,
    private readonly habits: HabitService,
  ) {}

  /** The week's computed summary; habit completion counts the days up to `today`. */
  async summary(userId: string, week: Week, today: string): Promise<WeekSummary> {
    const scores = await this.pillars.scores(userId, week);
    const days = await this.feels.between(userId, week.from, week.to);
    const completionRate = await this.habits.completionRate(userId, week, today);
    return { pillars: scores.items, feels: feelsSummary(days), habits: { completionRate } };
  }

  /** Weeks the person wrote a recap for, newest first, each with its summary. */
  async list(userId: string, limit: number, cursor: string | undefined): Promise<Page<Recap>> {
    const sealer = await sealerFor(this.ctx, userId);
    const before = cursor === undefined ? undefined : decodeCursor(cursor, 1)[0];
    const rows = await repo.listRecaps(this.ctx.db, userId, { before, limit: limit + 1 });
    const page = toPage(
      rows,
      limit,
      (r) => [r.week],
      (r) => r,
    );
    const today = await this.ctx.today(userId);
    const items: Recap[] = [];
    for (const row of page.items) {
      const week = weekDates(row.week);
      if (!week) throw new Error(`stored week ${row.week} is not an ISO week`);
      items.push({
        week: row.week,
        ...sealer.open('weekly_recaps', row, RecapPayload),
        summary: await this.summary(userId, week, today),
        updatedAt: row.updated_at,
      });
    }
    return { items, nextCursor: page.nextCursor };
  }

  async get(userId: string, week: Week): Promise<Recap> {
    const sealer = await sealerFor(this.ctx, userId);
    const row = await repo.findRecap(this.ctx.db, userId, week.week);
    const summary = await this.summary(userId, week, await this.ctx.today(userId));
    return {
      week: week.week,
      ...(row ? sealer.open('weekly_recaps', row, RecapPayload) : EMPTY),
      summary,
      updatedAt: row?.updated_at ?? null,
    };
  }

  /** This week in the user's time zone. */
  async current(userId: string): Promise<Recap> {
    return this.get(userId, weekOf(await this.ctx.today(userId)));
  }

  /**
   * Writes the fields given; fields left out keep what was written before,
   * also when another write of other fields comes at once (see editSealed).
   */
  async put(userId: string, week: Week, changes: Partial<RecapPayload>): Promise<Recap> {
    const sealer = await sealerFor(this.ctx, userId);
    const merged = (previous: RecapPayload): RecapPayload => ({
      wins: changes.wins ?? previous.wins,
      patterns: changes.patterns ?? previous.patterns,
      courseCorrections: changes.courseCorrections ?? previous.courseCorrections,
    });
    await editSealed(this.ctx.db, 'The recap', async (trx) => {
      const row = await repo.findRecap(trx, userId, week.week);
      const at = now();
      if (row === undefined) {
        // The first write of the week; one that loses the race to insert it starts over.
        const id = randomUUID();
        const written = await repo.insertRecap(trx, {
          id,
          user_id: userId,
          week: week.week,
          payload: sealer.seal('weekly_recaps', id, merged(EMPTY)),
          created_at: at,
          updated_at: at,
        });
        return written ? true : undefined;
      }
      const previous = sealer.open('weekly_recaps', row, RecapPayload);
      const written = await writeIfUnchanged(trx, 'weekly_recaps', userId, row, {
        payload: sealer.seal('weekly_recaps', row.id, merged(previous)),
        updated_at: at,
      });
      return written ? true : undefined;
    });
    return this.get(userId, week);
  }
}
