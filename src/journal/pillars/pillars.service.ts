/**
 * Pillars: the areas of life a person tracks. Name, description, colour,
 * icon, weekly target and current value are sealed; position and the archived
 * flag stay plain for ordering.
 */
import { randomUUID } from 'node:crypto';

import { Type, type Static } from 'typebox';

import { notFound } from '../../errors.ts';
import { weekOf, type Week } from '../calendar.ts';
import { nextPosition, reorder } from '../ordered.ts';
import {
  editSealed,
  now,
  sealerFor,
  writeIfUnchanged,
  type JournalContext,
  type Sealer,
} from '../vault.ts';
import * as repo from './pillars.repository.ts';

/** Field schemas, shared by the sealed payload and the HTTP layer. */
export const PillarFields = {
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  description: Type.String({ maxLength: 2000 }),
  color: Type.Union([Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }), Type.Null()], {
    description: 'A colour as #rrggbb, or null',
  }),
  icon: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  target: Type.Integer({
    minimum: 0,
    maximum: 1000,
    description: 'Linked entries wanted per week; 0 for no target',
  }),
  current: Type.Number({ minimum: 0, maximum: 1_000_000 }),
};

const PillarPayload = Type.Object(PillarFields, { additionalProperties: false });
type PillarPayload = Static<typeof PillarPayload>;

export interface Pillar extends PillarPayload {
  readonly id: string;
  readonly archived: boolean;
  readonly position: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewPillar = Pick<PillarPayload, 'name'> & Partial<PillarPayload>;
export type PillarChanges = Partial<PillarPayload> & { archived?: boolean };

export interface PillarScore {
  readonly pillarId: string;
  readonly name: string;
  readonly entries: number;
  readonly target: number;
  readonly ratio: number;
}

export interface WeekScores {
  readonly week: string;
  readonly items: PillarScore[];
}

function toPillar(sealer: Sealer, row: repo.PillarRow): Pillar {
  return {
    id: row.id,
    ...sealer.open('pillars', row, PillarPayload),
    archived: row.archived === 1,
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** entries / target, two decimals; 0 when there is no target. */
export function ratio(entries: number, target: number): number {
  return target > 0 ? Math.round((entries / target) * 100) / 100 : 0;
}

export class PillarService {
  constructor(private readonly ctx: JournalContext) {}

  /** All the user's pillars by position (a bounded set: see MAX_ITEMS). */
  async list(userId: string): Promise<Pillar[]> {
    const sealer = await sealerFor(this.ctx, userId);
    const rows = await repo.listPillars(this.ctx.db, userId);
    return rows.map((row) => toPillar(sealer, row));
  }

  async get(userId: string, id: string): Promise<Pillar> {
    const sealer = await sealerFor(this.ctx, userId);
    return toPillar(sealer, await this.row(userId, id));
  }

  async create(userId: string, input: NewPillar): Promise<Pillar> {
    const sealer = await sealerFor(this.ctx, userId);
    const id = randomUUID();
    const at = now();
    const payload: PillarPayload = {
      name: input.name,
      description: input.description ?? '',
      color: input.color ?? null,
      icon: input.icon ?? null,
      target: input.target ?? 0,
      current: input.current ?? 0,
    };
    const position = await nextPosition(this.ctx.db, 'pillars', userId, 'pillars');
    await repo.insertPillar(this.ctx.db, {
      id,
      user_id: userId,
      payload: sealer.seal('pillars', id, payload),
      position,
      archived: 0,
      created_at: at,
      updated_at: at,
    });
    return { id, ...payload, archived: false, position, createdAt: at, updatedAt: at };
  }

  /** Changes the fields given; a concurrent change of other fields stays (see editSealed). */
  async update(userId: string, id: string, changes: PillarChanges): Promise<Pillar> {
    const sealer = await sealerFor(this.ctx, userId);
    return editSealed(this.ctx.db, 'The pillar', async (trx) => {
      const row = await this.row(userId, id, trx);
      const current = toPillar(sealer, row);
      const { archived = current.archived, ...fields } = changes;
      const payload: PillarPayload = {
        name: fields.name ?? current.name,
        description: fields.description ?? current.description,
        color: fields.color === undefined ? current.color : fields.color,
        icon: fields.icon === undefined ? current.icon : fields.icon,
        target: fields.target ?? current.target,
        current: fields.current ?? current.current,
      };
      const at = now();
      const written = await writeIfUnchanged(trx, 'pillars', userId, row, {
        payload: sealer.seal('pillars', id, payload),
        archived: archived ? 1 : 0,
        updated_at: at,
      });
      return written ? { ...current, ...payload, archived, updatedAt: at } : undefined;
    });
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await repo.deletePillar(this.ctx.db, userId, id))) throw notFound('The pillar');
  }

  /** Puts the user's pillars in the order of `ids`, which names each of them once. */
  async reorder(userId: string, ids: readonly string[]): Promise<Pillar[]> {
    await reorder(this.ctx.db, 'pillars', userId, ids, 'pillars');
    return this.list(userId);
  }

  /**
   * Per pillar: entries of the week linked to it, the target and their ratio.
   * Archived pillars appear only when the week has entries linked to them.
   * The week defaults to the user's current one.
   */
  async scores(userId: string, week?: Week): Promise<WeekScores> {
    week ??= weekOf(await this.ctx.today(userId));
    const [pillars, counts] = await Promise.all([
      this.list(userId),
      repo.countLinkedEntries(this.ctx.db, userId, week.from, week.to),
    ]);
    const items = pillars
      .map((p) => {
        const entries = counts.get(p.id) ?? 0;
        return {
          pillarId: p.id,
          name: p.name,
          entries,
          target: p.target,
          ratio: ratio(entries, p.target),
          archived: p.archived,
        };
      })
      .filter((s) => !s.archived || s.entries > 0)
      .map(({ archived: _archived, ...score }) => score);
    return { week: week.week, items };
  }

  private async row(userId: string, id: string, db = this.ctx.db): Promise<repo.PillarRow> {
    const row = await repo.findPillar(db, userId, id);
    if (!row) throw notFound('The pillar');
    return row;
  }
}
