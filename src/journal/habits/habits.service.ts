/**
 * Habits with daily check-offs and streaks. The name is sealed; position,
 * archived flag and the checked dates stay plain (a check is a date and an id,
 * no content).
 */
import { randomUUID } from 'node:crypto';

import { Type } from 'typebox';

import { notFound } from '../../errors.ts';
import { daysBetween, type Week } from '../calendar.ts';
import { nextPosition, reorder } from '../ordered.ts';
import {
  editSealed,
  now,
  sealerFor,
  writeIfUnchanged,
  type JournalContext,
  type Sealer,
} from '../vault.ts';
import * as repo from './habits.repository.ts';

/** Field schemas, shared by the sealed payload and the HTTP layer. */
export const HabitFields = {
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
};

const HabitPayload = Type.Object(HabitFields, { additionalProperties: false });

export interface Streak {
  /** Consecutive checked days ending on the reference day or the day before. */
  readonly current: number;
  /** The longest run of consecutive checked days up to the reference day. */
  readonly longest: number;
}

export interface Habit {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly archived: boolean;
  readonly streak: Streak;
  readonly createdAt: string;
}

export interface HabitChanges {
  readonly name?: string | undefined;
  readonly archived?: boolean | undefined;
}

/** Streaks from checked dates (ascending, distinct) as of `asOf`; later checks are ignored. */
export function streaks(dates: readonly string[], asOf: string): Streak {
  let longest = 0;
  let run = 0;
  let previous: string | undefined;
  for (const date of dates) {
    if (date > asOf) break;
    run = previous !== undefined && daysBetween(previous, date) === 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = date;
  }
  const current = previous !== undefined && daysBetween(previous, asOf) <= 1 ? run : 0;
  return { current, longest };
}

function datesByHabit(checks: readonly repo.CheckRow[]): Map<string, string[]> {
  const byHabit = new Map<string, string[]>();
  for (const check of checks) {
    const dates = byHabit.get(check.habit_id) ?? [];
    dates.push(check.check_date);
    byHabit.set(check.habit_id, dates);
  }
  return byHabit;
}

export class HabitService {
  constructor(private readonly ctx: JournalContext) {}

  /** All the user's habits by position, with streaks as of `date` (default: today). */
  async list(userId: string, date?: string): Promise<Habit[]> {
    const [sealer, rows, checks, asOf] = await Promise.all([
      sealerFor(this.ctx, userId),
      repo.listHabits(this.ctx.db, userId),
      repo.listChecks(this.ctx.db, userId),
      date ?? this.ctx.today(userId),
    ]);
    const byHabit = datesByHabit(checks);
    return rows.map((row) => this.toHabit(sealer, row, streaks(byHabit.get(row.id) ?? [], asOf)));
  }

  async create(userId: string, name: string): Promise<Habit> {
    const sealer = await sealerFor(this.ctx, userId);
    const id = randomUUID();
    const at = now();
    const position = await nextPosition(this.ctx.db, 'habits', userId, 'habits');
    await repo.insertHabit(this.ctx.db, {
      id,
      user_id: userId,
      payload: sealer.seal('habits', id, { name }),
      position,
      archived: 0,
      created_at: at,
      updated_at: at,
    });
    return {
      id,
      name,
      position,
      archived: false,
      streak: { current: 0, longest: 0 },
      createdAt: at,
    };
  }

  /** Changes the fields given; a concurrent change of other fields stays (see editSealed). */
  async update(userId: string, id: string, changes: HabitChanges): Promise<Habit> {
    const sealer = await sealerFor(this.ctx, userId);
    const { row, name, archived } = await editSealed(this.ctx.db, 'The habit', async (trx) => {
      const row = await this.row(userId, id, trx);
      const name = changes.name ?? sealer.open('habits', row, HabitPayload).name;
      const archived = changes.archived ?? row.archived === 1;
      const written = await writeIfUnchanged(trx, 'habits', userId, row, {
        payload: sealer.seal('habits', id, { name }),
        archived: archived ? 1 : 0,
        updated_at: now(),
      });
      return written ? { row, name, archived } : undefined;
    });
    const checks = await repo.listChecks(this.ctx.db, userId, { habitIds: [id] });
    const streak = streaks(
      checks.map((c) => c.check_date),
      await this.ctx.today(userId),
    );
    return { id, name, position: row.position, archived, streak, createdAt: row.created_at };
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await repo.deleteHabit(this.ctx.db, userId, id))) throw notFound('The habit');
  }

  async reorder(userId: string, ids: readonly string[]): Promise<Habit[]> {
    await reorder(this.ctx.db, 'habits', userId, ids, 'habits');
    return this.list(userId);
  }

  /** Marks the habit done on the day (idempotent). */
  async check(userId: string, id: string, date: string): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await repo.findHabit(trx, userId, id))) throw notFound('The habit');
      await repo.addCheck(trx, userId, id, date);
    });
  }

  /** Marks the habit not done on the day (idempotent). */
  async uncheck(userId: string, id: string, date: string): Promise<void> {
    await this.row(userId, id);
    await repo.removeCheck(this.ctx.db, userId, id, date);
  }

  /** The day's list: habits not archived, each with whether it was done that day. */
  async today(
    userId: string,
    date?: string,
  ): Promise<{ date: string; items: { habit: Habit; done: boolean }[] }> {
    const day = date ?? (await this.ctx.today(userId));
    const habits = await this.list(userId, day);
    const done = await repo.listChecks(this.ctx.db, userId, { from: day, to: day });
    const doneIds = new Set(done.map((c) => c.habit_id));
    return {
      date: day,
      items: habits
        .filter((h) => !h.archived)
        .map((habit) => ({ habit, done: doneIds.has(habit.id) })),
    };
  }

  /** For every habit (archived too), its checked dates `from`..`to`, ascending. */
  async history(
    userId: string,
    from: string,
    to: string,
  ): Promise<{ items: { habitId: string; dates: string[] }[] }> {
    const [rows, checks] = await Promise.all([
      repo.listHabits(this.ctx.db, userId),
      repo.listChecks(this.ctx.db, userId, { from, to }),
    ]);
    const byHabit = datesByHabit(checks);
    return { items: rows.map((row) => ({ habitId: row.id, dates: byHabit.get(row.id) ?? [] })) };
  }

  /**
   * Share of possible check-offs done in the week: checks of habits not
   * archived, over those habits times the days of the week up to `today`
   * (two decimals; 0 with no habits or a week not begun).
   */
  async completionRate(userId: string, week: Week, today: string): Promise<number> {
    const to = today < week.to ? today : week.to;
    const days = daysBetween(week.from, to) + 1;
    const habits = (await repo.listHabits(this.ctx.db, userId)).filter((h) => h.archived === 0);
    if (days <= 0 || habits.length === 0) return 0;
    const checks = await repo.listChecks(this.ctx.db, userId, {
      habitIds: habits.map((h) => h.id),
      from: week.from,
      to,
    });
    return Math.round((checks.length / (habits.length * days)) * 100) / 100;
  }

  private toHabit(sealer: Sealer, row: repo.HabitRow, streak: Streak): Habit {
    return {
      id: row.id,
      name: sealer.open('habits', row, HabitPayload).name,
      position: row.position,
      archived: row.archived === 1,
      streak,
      createdAt: row.created_at,
    };
  }

  private async row(userId: string, id: string, db = this.ctx.db): Promise<repo.HabitRow> {
    const row = await repo.findHabit(db, userId, id);
    if (!row) throw notFound('The habit');
    return row;
  }
}
