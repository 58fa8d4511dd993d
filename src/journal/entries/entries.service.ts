/**
 * Entries: one per user per day. Title, content and the completed flag are
 * sealed; the date stays plain to find and order them; links to pillars live
 * in `entry_pillars`, and only ever to the user's own pillars.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { Type, type Static } from 'typebox';

import { badRequest, conflict, notFound } from '../../errors.ts';
import { decodeCursor, toPage, type Page } from '../../pagination.ts';
import {
  editSealed,
  now,
  requireOwned,
  sealerFor,
  writeIfUnchanged,
  type JournalContext,
  type Sealer,
  type VaultDb,
} from '../vault.ts';
import * as repo from './entries.repository.ts';
import { queryTerms, snippet, termMatcher } from './search.ts';

export const MAX_CONTENT = 100_000;
export const MAX_PILLARS_PER_ENTRY = 50;

/** Field schemas, shared by the sealed payload and the HTTP layer. */
export const EntryFields = {
  title: Type.String({ maxLength: 200 }),
  content: Type.String({ maxLength: MAX_CONTENT }),
  completed: Type.Boolean(),
};

const EntryPayload = Type.Object(EntryFields, { additionalProperties: false });
type EntryPayload = Static<typeof EntryPayload>;

export interface Entry extends EntryPayload {
  readonly id: string;
  readonly date: string;
  readonly pillarIds: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewEntry extends Partial<EntryPayload> {
  readonly date: string;
  readonly content: string;
  readonly pillarIds?: readonly string[] | undefined;
}

export type EntryChanges = Partial<EntryPayload> & {
  readonly pillarIds?: readonly string[] | undefined;
};

export interface EntryListQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface SearchHit {
  readonly date: string;
  readonly title: string;
  readonly snippet: string;
}

/** Entries decrypted per batch while searching: bounds memory whatever the journal's size. */
export const SEARCH_BATCH = 100;

function toEntry(sealer: Sealer, row: repo.EntryRow, pillarIds: string[]): Entry {
  return {
    id: row.id,
    date: row.entry_date,
    ...sealer.open('entries', row, EntryPayload),
    pillarIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class EntryService {
  constructor(private readonly ctx: JournalContext) {}

  /** The user's entries, newest first, optionally within a date range. */
  async list(userId: string, query: EntryListQuery): Promise<Page<Entry>> {
    const sealer = await sealerFor(this.ctx, userId);
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1)[0];
    const rows = await repo.listEntries(this.ctx.db, userId, {
      from: query.from,
      to: query.to,
      before,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const links = await repo.pillarLinks(
      this.ctx.db,
      userId,
      page.map((r) => r.id),
    );
    return toPage(
      rows,
      query.limit,
      (r) => [r.entry_date],
      (r) => toEntry(sealer, r, links.get(r.id) ?? []),
    );
  }

  async get(userId: string, date: string): Promise<Entry> {
    const sealer = await sealerFor(this.ctx, userId);
    const row = await this.row(userId, date);
    const links = await repo.pillarLinks(this.ctx.db, userId, [row.id]);
    return toEntry(sealer, row, links.get(row.id) ?? []);
  }

  /** Writes the day's entry; 409 when that day already has one (also when two race). */
  async create(userId: string, input: NewEntry): Promise<Entry> {
    const sealer = await sealerFor(this.ctx, userId);
    const id = randomUUID();
    const at = now();
    const payload: EntryPayload = {
      title: input.title ?? '',
      content: input.content,
      completed: input.completed ?? false,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      const owned = await requireOwned(trx, 'pillars', userId, input.pillarIds ?? [], 'A pillar');
      const created = await repo.insertEntry(trx, {
        id,
        user_id: userId,
        entry_date: input.date,
        payload: sealer.seal('entries', id, payload),
        created_at: at,
        updated_at: at,
      });
      if (!created) throw conflict(`There is already an entry for ${input.date}`);
      await repo.setPillarLinks(trx, userId, id, owned);
    });
    const links = await repo.pillarLinks(this.ctx.db, userId, [id]);
    return {
      id,
      date: input.date,
      ...payload,
      pillarIds: links.get(id) ?? [],
      createdAt: at,
      updatedAt: at,
    };
  }

  /** Changes the fields given; a concurrent change of other fields stays (see editSealed). */
  async update(userId: string, date: string, changes: EntryChanges): Promise<Entry> {
    const sealer = await sealerFor(this.ctx, userId);
    return editSealed(this.ctx.db, 'The entry', (trx) =>
      this.tryUpdate(trx, sealer, userId, date, changes),
    );
  }

  /** One attempt; undefined when another write changed the entry after it was read. */
  private async tryUpdate(
    trx: VaultDb,
    sealer: Sealer,
    userId: string,
    date: string,
    changes: EntryChanges,
  ): Promise<Entry | undefined> {
    const row = await repo.findEntry(trx, userId, date);
    if (!row) throw notFound('The entry');
    const current = sealer.open('entries', row, EntryPayload);
    const payload: EntryPayload = {
      title: changes.title ?? current.title,
      content: changes.content ?? current.content,
      completed: changes.completed ?? current.completed,
    };
    const updatedAt = now();
    const written = await writeIfUnchanged(trx, 'entries', userId, row, {
      payload: sealer.seal('entries', row.id, payload),
      updated_at: updatedAt,
    });
    if (!written) return undefined;
    if (changes.pillarIds !== undefined) {
      const owned = await requireOwned(trx, 'pillars', userId, changes.pillarIds, 'A pillar');
      await repo.setPillarLinks(trx, userId, row.id, owned);
    }
    // Everything the answer shows is known here, so nothing is read back and
    // opened again; only the links are asked for.
    const links = await repo.pillarLinks(trx, userId, [row.id]);
    return {
      id: row.id,
      date: row.entry_date,
      ...payload,
      pillarIds: links.get(row.id) ?? [],
      createdAt: row.created_at,
      updatedAt,
    };
  }

  async remove(userId: string, date: string): Promise<void> {
    if (!(await repo.deleteEntry(this.ctx.db, userId, date))) throw notFound('The entry');
  }

  /**
   * Entries whose title or content holds every word of `q`, newest first.
   * Matching needs the plaintext, so entries are decrypted here, a batch of
   * {@link SEARCH_BATCH} at a time (memory stays bounded, and other requests
   * run between batches); each page stops as soon as it is full.
   */
  async search(
    userId: string,
    q: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<SearchHit>> {
    const terms = queryTerms(q);
    if (terms.length === 0) {
      throw badRequest('q must contain a word', [
        { path: '/querystring/q', message: 'must contain a word' },
      ]);
    }
    const matches = termMatcher(terms);
    const sealer = await sealerFor(this.ctx, userId);
    const hits: SearchHit[] = [];
    let before = cursor === undefined ? undefined : decodeCursor(cursor, 1)[0];
    for (;;) {
      const rows = await repo.searchBatch(this.ctx.db, userId, before, SEARCH_BATCH);
      for (const row of rows) {
        const { title, content } = sealer.open('entries', row, EntryPayload);
        const match = matches(title, content);
        if (match === undefined) continue;
        hits.push({ date: row.entry_date, title, snippet: snippet(content, match.at) });
        if (hits.length > limit)
          return toPage(
            hits,
            limit,
            (h) => [h.date],
            (h) => h,
          );
      }
      if (rows.length < SEARCH_BATCH)
        return toPage(
          hits,
          limit,
          (h) => [h.date],
          (h) => h,
        );
      before = rows[rows.length - 1]?.entry_date;
      // SQLite answers synchronously: let other requests run between batches.
      await nextTurn();
    }
  }

  private async row(userId: string, date: string): Promise<repo.EntryRow> {
    const row = await repo.findEntry(this.ctx.db, userId, date);
    if (!row) throw notFound('The entry');
    return row;
  }
}
