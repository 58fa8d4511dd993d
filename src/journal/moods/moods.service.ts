/**
 * Moods: a fixed set of system moods, the same for everyone and never
 * changed, plus the user's own (name and emoji sealed; archived flag plain).
 * The mood log records which mood, when, and an optional sealed note.
 */
import { randomUUID } from 'node:crypto';

import { Type, type Static } from 'typebox';

import { conflict, forbidden, notFound } from '../../errors.ts';
import { decodeCursor, toPage, type Page } from '../../pagination.ts';
import { addDays } from '../calendar.ts';
import {
  editSealed,
  now,
  sealerFor,
  writeIfUnchanged,
  type JournalContext,
  type Sealer,
} from '../vault.ts';
import * as repo from './moods.repository.ts';

/** Field schemas, shared by the sealed payloads and the HTTP layer. */
export const MoodFields = {
  name: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
  emoji: Type.String({ minLength: 1, maxLength: 16, pattern: '\\S' }),
};
export const MoodLogFields = {
  note: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
};

const MoodPayload = Type.Object(MoodFields, { additionalProperties: false });
const MoodLogPayload = Type.Object(MoodLogFields, { additionalProperties: false });
type MoodPayload = Static<typeof MoodPayload>;

export interface Mood extends MoodPayload {
  readonly id: string;
  readonly system: boolean;
  readonly archived: boolean;
}

export interface MoodLog {
  readonly id: string;
  readonly moodId: string;
  readonly note: string | null;
  readonly at: string;
}

export interface MoodLogQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** The system moods: fixed ids (never change them: logs refer to them), in display order. */
export const SYSTEM_MOODS: readonly Mood[] = [
  ['a4fae6f0-547c-43b1-bfd1-a04f90adae20', 'Joyful', '😄'],
  ['f1bfbb0e-1afe-4601-85b1-2f51d0c955e6', 'Grateful', '🙏'],
  ['08ae8f2d-ce85-40af-af65-ff6af5aa8d3e', 'Calm', '😌'],
  ['fce3e6b5-2b15-41db-8a8b-2c21d678190c', 'Energetic', '⚡'],
  ['401aa05d-e00f-4404-84c8-045a0569493b', 'Neutral', '😐'],
  ['d75a4c46-0910-454f-b09e-ba800dcf8586', 'Tired', '😴'],
  ['3a7652db-34c6-4430-8f4f-82fe27f81df1', 'Anxious', '😟'],
  ['a1da5f8a-0ecd-4008-afdb-03190752f8cf', 'Sad', '😢'],
  ['fc88eb60-1a31-4035-9db2-cd58e3d2e3fa', 'Angry', '😠'],
  ['18c22c9c-11d3-4704-b6ad-e852a5331b99', 'Overwhelmed', '😩'],
].map(
  ([id, name, emoji]) => Object.freeze({ id, name, emoji, system: true, archived: false }) as Mood,
);

const SYSTEM_IDS = new Set(SYSTEM_MOODS.map((m) => m.id));

/** The most moods of their own one user may have. */
export const MAX_OWN_MOODS = 100;

function systemMoodsAreFixed(): never {
  throw forbidden('System moods cannot be changed, archived or deleted; create your own instead');
}

export class MoodService {
  constructor(private readonly ctx: JournalContext) {}

  /** The system moods, then the user's own in the order they were made. */
  async list(userId: string): Promise<Mood[]> {
    const sealer = await sealerFor(this.ctx, userId);
    const rows = await repo.listMoods(this.ctx.db, userId);
    return [...SYSTEM_MOODS, ...rows.map((row) => this.toMood(sealer, row))];
  }

  async create(userId: string, input: MoodPayload): Promise<Mood> {
    if ((await repo.countMoods(this.ctx.db, userId)) >= MAX_OWN_MOODS) {
      throw conflict(`You can have at most ${MAX_OWN_MOODS} moods of your own`);
    }
    const sealer = await sealerFor(this.ctx, userId);
    const id = randomUUID();
    const at = now();
    const payload: MoodPayload = { name: input.name, emoji: input.emoji };
    await repo.insertMood(this.ctx.db, {
      id,
      user_id: userId,
      payload: sealer.seal('moods', id, payload),
      archived: 0,
      created_at: at,
      updated_at: at,
    });
    return { id, ...payload, system: false, archived: false };
  }

  /** Changes the fields given; a concurrent change of the other field stays (see editSealed). */
  async update(userId: string, id: string, changes: Partial<MoodPayload>): Promise<Mood> {
    const sealer = await sealerFor(this.ctx, userId);
    return editSealed(this.ctx.db, 'The mood', async (trx) => {
      const row = await this.own(userId, id, trx);
      const mood = this.toMood(sealer, row);
      const payload: MoodPayload = {
        name: changes.name ?? mood.name,
        emoji: changes.emoji ?? mood.emoji,
      };
      const written = await writeIfUnchanged(trx, 'moods', userId, row, {
        payload: sealer.seal('moods', id, payload),
        updated_at: now(),
      });
      return written ? { ...mood, ...payload } : undefined;
    });
  }

  /** Sets only the plain archived flag, so it never undoes a concurrent change of the payload. */
  async setArchived(userId: string, id: string, archived: boolean): Promise<Mood> {
    const sealer = await sealerFor(this.ctx, userId);
    const mood = this.toMood(sealer, await this.own(userId, id));
    if (!(await repo.setMoodArchived(this.ctx.db, userId, id, archived ? 1 : 0, now()))) {
      throw notFound('The mood');
    }
    return { ...mood, archived };
  }

  /** Deletes a mood of the user's own; one already logged is kept (409): archive it instead. */
  async remove(userId: string, id: string): Promise<void> {
    await this.own(userId, id);
    if (await repo.hasLogs(this.ctx.db, userId, id)) {
      throw conflict('This mood is in your mood log; archive it instead of deleting it');
    }
    await repo.deleteMood(this.ctx.db, userId, id);
  }

  /** Logs a system mood or one of the user's own, at `at` (default now). */
  async log(
    userId: string,
    input: { moodId: string; note?: string | null | undefined; at?: string | undefined },
  ): Promise<MoodLog> {
    if (
      !SYSTEM_IDS.has(input.moodId) &&
      !(await repo.findMood(this.ctx.db, userId, input.moodId))
    ) {
      throw notFound('The mood');
    }
    const sealer = await sealerFor(this.ctx, userId);
    const id = randomUUID();
    const created = now();
    const at = input.at === undefined ? created : new Date(input.at).toISOString();
    const note = input.note ?? null;
    // NOTE: `mood_id` is a plain column, and system mood ids are public, so a
    // stolen vault shows which system mood was logged when (not the note).
    // Lifting it: move moodId into the sealed payload (a migration re-sealing
    // old rows) and check "mood in use" by opening the log. Meanwhile only the
    // system mood's name leaks; the notes and own moods' names stay sealed.
    await repo.insertLog(this.ctx.db, {
      id,
      user_id: userId,
      mood_id: input.moodId,
      logged_at: at,
      payload: sealer.seal('mood_logs', id, { note }),
      created_at: created,
      updated_at: created,
    });
    return { id, moodId: input.moodId, note, at };
  }

  /** The mood log, newest first; `from`/`to` are UTC calendar days, inclusive. */
  async listLog(userId: string, query: MoodLogQuery): Promise<Page<MoodLog>> {
    const sealer = await sealerFor(this.ctx, userId);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);
    const rows = await repo.listLogs(this.ctx.db, userId, {
      since: query.from === undefined ? undefined : `${query.from}T00:00:00.000Z`,
      until: query.to === undefined ? undefined : `${addDays(query.to, 1)}T00:00:00.000Z`,
      after: cursor === undefined ? undefined : [cursor[0] ?? '', cursor[1] ?? ''],
      limit: query.limit + 1,
    });
    return toPage(
      rows,
      query.limit,
      (r) => [r.logged_at, r.id],
      (r) => ({
        id: r.id,
        moodId: r.mood_id,
        note: sealer.open('mood_logs', r, MoodLogPayload).note,
        at: r.logged_at,
      }),
    );
  }

  /** One of the user's own moods: 403 for a system mood, 404 when there is none. */
  private async own(userId: string, id: string, db = this.ctx.db): Promise<repo.MoodRow> {
    if (SYSTEM_IDS.has(id)) systemMoodsAreFixed();
    const row = await repo.findMood(db, userId, id);
    if (!row) throw notFound('The mood');
    return row;
  }

  private toMood(sealer: Sealer, row: repo.MoodRow): Mood {
    return {
      id: row.id,
      ...sealer.open('moods', row, MoodPayload),
      system: false,
      archived: row.archived === 1,
    };
  }
}
