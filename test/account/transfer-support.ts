/**
 * Shared steps for the export and import tests: a journal with every kind of
 * data, the export as a parsed document, and a form of it that two accounts
 * holding the same content share (ids and the email set aside).
 */
import assert from 'node:assert/strict';

import type { LightMyRequestResponse } from 'fastify';

import { DataKeys } from '../../src/auth/accounts/data-keys.ts';
import type { AppDeps } from '../../src/context.ts';
import { insertEntries } from '../../src/journal/entries/entries.repository.ts';
import { SYSTEM_MOODS } from '../../src/journal/moods/moods.service.ts';
import { Sealer } from '../../src/journal/vault.ts';
import { ok, PASSWORD, type Json, type User } from '../journal/helpers.ts';

export const CALM = SYSTEM_MOODS.find((m) => m.name === 'Calm')?.id as string;

/** A long text, so a document outgrows the default 16 KiB body limit. */
const LONG = 'a morning walk along the canal, then the long list of letters to write. '.repeat(400);

/** Writes every kind of data through the API; texts carry `tag` so a leak can be spotted. */
export async function fillJournal(user: User, tag: string): Promise<void> {
  ok(
    await user.call('PATCH', '/api/auth/profile', {
      displayName: `${tag} the writer`,
      timeZone: 'Europe/Paris',
    }),
  );
  const health = ok(
    await user.call('POST', '/api/pillars', {
      name: `${tag} health`,
      description: `${tag} sleep and strength`,
      color: '#22aa55',
      icon: 'heart',
      target: 5,
      current: 2.5,
    }),
    201,
  );
  const craft = ok(await user.call('POST', '/api/pillars', { name: `${tag} craft` }), 201);
  const old = ok(await user.call('POST', '/api/pillars', { name: `${tag} old project` }), 201);
  ok(await user.call('PATCH', `/api/pillars/${old.id}`, { archived: true }));
  ok(await user.call('PUT', '/api/pillars/order', { ids: [craft.id, health.id, old.id] }));

  ok(
    await user.call('POST', '/api/entries', {
      date: '2026-03-01',
      title: `${tag} first page`,
      content: `${tag} wrote: ${LONG}`,
      pillarIds: [health.id, craft.id],
      completed: true,
    }),
    201,
  );
  ok(
    await user.call('POST', '/api/entries', { date: '2026-03-02', content: `${tag} second day` }),
    201,
  );

  const run = ok(await user.call('POST', '/api/habits', { name: `${tag} run` }), 201);
  const read = ok(await user.call('POST', '/api/habits', { name: `${tag} read` }), 201);
  ok(await user.call('PATCH', `/api/habits/${read.id}`, { archived: true }));
  for (const [habit, date] of [
    [run.id, '2026-03-01'],
    [run.id, '2026-03-02'],
    [read.id, '2026-02-27'],
  ]) {
    const checked = await user.call('PUT', `/api/habits/${habit}/checks/${date}`);
    assert.equal(checked.statusCode, 204, checked.body);
  }

  ok(
    await user.call('PUT', '/api/feels/2026-03-01/morning', {
      mentalState: 7,
      strongestEmotion: `${tag} hopeful`,
      avoiding: `${tag} the tax letter`,
      habitsDone: [run.id],
    }),
  );
  ok(
    await user.call('PUT', '/api/feels/2026-03-01/evening', {
      gaveEnergy: `${tag} the walk`,
      drainedEnergy: `${tag} the meeting`,
      pressureOrPurpose: 'purpose',
      honestNote: `${tag} it was a good day`,
    }),
  );
  ok(
    await user.call('PUT', '/api/feels/2026-03-02/evening', {
      gaveEnergy: '',
      drainedEnergy: `${tag} the rain`,
      pressureOrPurpose: 'neither',
      honestNote: '',
    }),
  );

  const cozy = ok(await user.call('POST', '/api/moods', { name: `${tag} cozy`, emoji: '🧣' }), 201);
  const restless = ok(
    await user.call('POST', '/api/moods', { name: `${tag} restless`, emoji: '🌀' }),
    201,
  );
  ok(await user.call('POST', `/api/moods/${restless.id}/archive`));
  ok(
    await user.call('POST', '/api/moods/log', {
      moodId: CALM,
      note: `${tag} coffee outside`,
      at: '2026-03-01T08:00:00.000Z',
    }),
    201,
  );
  ok(
    await user.call('POST', '/api/moods/log', { moodId: cozy.id, at: '2026-03-01T20:00:00Z' }),
    201,
  );

  ok(
    await user.call('PUT', '/api/weekly/2026-W09', {
      wins: `${tag} finished the chapter`,
      patterns: `${tag} late nights`,
      courseCorrections: `${tag} lights out at eleven`,
    }),
  );
}

/** POST /api/account/export with the password (or the given body). */
export function requestExport(
  user: User,
  body: Record<string, unknown> = { password: PASSWORD },
): Promise<LightMyRequestResponse> {
  return user.call('POST', '/api/account/export', body);
}

/** The user's export, parsed. */
export async function exportOf(user: User): Promise<Json> {
  return ok(await requestExport(user));
}

export function importInto(user: User, doc: unknown, mode?: 'empty' | 'merge') {
  const query = mode === undefined ? '' : `?mode=${mode}`;
  return user.call('POST', `/api/account/import${query}`, doc);
}

type Row = Record<string, unknown> & { id: string; name: string };

/**
 * The document with every id replaced by what it names (a pillar, habit or
 * mood by name; a system mood by "system:" and its name), and the email and
 * export time left out: what two accounts with the same content share.
 */
export function comparable(doc: Json): Json {
  const names = (rows: Row[]) => new Map(rows.map((r) => [r.id, r.name]));
  const pillars = names(doc.pillars);
  const habits = names(doc.habits);
  const moods = names(doc.moods);
  for (const mood of SYSTEM_MOODS) moods.set(mood.id, `system:${mood.name}`);
  const name = (map: Map<string, string>) => (id: string) => map.get(id) ?? `unknown ${id}`;
  const withoutId = ({ id: _id, ...rest }: Row) => rest;
  return {
    format: doc.format,
    version: doc.version,
    profile: { displayName: doc.profile.displayName, timeZone: doc.profile.timeZone },
    pillars: doc.pillars.map(withoutId),
    habits: doc.habits.map(withoutId),
    habitChecks: doc.habitChecks.map((c: Json) => ({
      habit: name(habits)(c.habitId),
      date: c.date,
    })),
    moods: doc.moods.map(withoutId),
    entries: doc.entries.map(({ id: _id, pillarIds, ...rest }: Json) => ({
      ...rest,
      pillars: pillarIds.map(name(pillars)),
    })),
    feels: doc.feels.map((day: Json) => ({
      ...day,
      morning: day.morning && {
        ...day.morning,
        habitsDone: day.morning.habitsDone.map(name(habits)),
      },
    })),
    moodLog: doc.moodLog.map(({ id: _id, moodId, ...rest }: Json) => ({
      ...rest,
      mood: name(moods)(moodId),
    })),
    weeklyRecaps: doc.weeklyRecaps,
  };
}

export { userIdOf } from '../journal/helpers.ts';

/** The user's Sealer, as the journal makes it. */
export async function sealerOf(deps: AppDeps, userId: string): Promise<Sealer> {
  const key = await new DataKeys(deps.platform.db, deps.keyRing).forUser(userId);
  return new Sealer(userId, key);
}

const SHORT = 'rain in the morning, sun by noon, a letter from home. '.repeat(5);

/** Writes `count` entries on consecutive days from 2000-01-01 straight into the vault. */
export async function seedEntries(deps: AppDeps, userId: string, count: number): Promise<void> {
  const sealer = await sealerOf(deps, userId);
  const at = new Date().toISOString();
  const day = Date.UTC(2000, 0, 1);
  for (let start = 0; start < count; start += 100) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      const id = crypto.randomUUID();
      const date = new Date(day + i * 86_400_000).toISOString().slice(0, 10);
      const payload = {
        title: `day ${i}`,
        content: `entry number ${i}. ${SHORT}`,
        completed: false,
      };
      rows.push({
        id,
        user_id: userId,
        entry_date: date,
        payload: sealer.seal('entries', id, payload),
        created_at: at,
        updated_at: at,
      });
    }
    await insertEntries(deps.vault.db, rows);
  }
}
