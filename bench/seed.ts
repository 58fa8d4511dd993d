/**
 * Seeds the benchmark databases with Daybook's own code, before the server
 * starts, in a process of its own: accounts, pillars and habits through the
 * services; entries and feels through the journal's repositories and Sealer
 * (the same sealing and rows the services write), one transaction per user
 * so ten years take seconds:
 *
 *   node --import tsx bench/seed.ts <out.json>
 *
 * The environment is the one the server gets. Each user has ten years of
 * daily entries of about 2 KiB, a few pillars linked from the entries, two
 * habits, and a morning pulse and evening reflection every day. The oldest
 * entry of each user holds a word found nowhere else, so searching for it
 * decrypts all ten years. Also measures one argon2id verify at the
 * configured (production) parameters, on the otherwise idle machine.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { loadConfig, type Config } from '../src/config/config.ts';
import { PasswordHasher } from '../src/auth/passwords/hasher.ts';
import { emailIndex, normaliseEmail } from '../src/crypto/blind-index.ts';
import { findUserByEmailIndex } from '../src/auth/users/users.repository.ts';
import { addDays } from '../src/journal/calendar.ts';
import * as entriesRepo from '../src/journal/entries/entries.repository.ts';
import * as feelsRepo from '../src/journal/feels/feels.repository.ts';
import type { Evening, Morning } from '../src/journal/feels/feels.service.ts';
import { Sealer } from '../src/journal/vault.ts';
import { closeDeps, openDeps } from '../src/server.ts';
import { createServices } from '../src/services.ts';
import { entryContent, prng, prose, title } from './text.ts';

export interface SeededUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

export interface SeedResult {
  readonly users: SeededUser[];
  /** Oldest and newest entry dates (the same for every user). */
  readonly firstDate: string;
  readonly lastDate: string;
  readonly days: number;
  /** A word only the oldest entry holds: a search for it reads every entry. */
  readonly rareWord: string;
  readonly entries: number;
  readonly feels: number;
  readonly averageContentChars: number;
  readonly seconds: number;
  readonly argon2: {
    readonly memoryKiB: number;
    readonly timeCost: number;
    readonly parallelism: number;
    readonly runs: number;
    /** Median wall time of one verify, run one at a time. */
    readonly verifyWallMs: number;
    /** CPU time of one verify (all threads of the process), averaged. */
    readonly verifyCpuMs: number;
    readonly cores: number;
  };
}

export const RARE_WORD = 'zephyrine';
const DAYS = 3650;
const EMOTIONS = ['calm', 'joy', 'worry', 'pride', 'fatigue', 'curiosity', 'frustration'];
const PILLARS = ['Health', 'Work', 'Family', 'Learning', 'Friends'];
const CONTEXT = { ip: '127.0.0.1', userAgent: 'daybook-bench-seed' };

function yesterdayUtc(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/** One verify at the configured parameters, through the server's own hasher, run one at a time. */
async function measureArgon2(config: Config, runs: number) {
  const hasher = new PasswordHasher(config.argon2, 1, 0);
  const password = 'correct horse battery staple 42';
  const hash = await hasher.hash(password);
  await hasher.verify(hash, password); // warm-up
  const walls: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    if (!(await hasher.verify(hash, password))) throw new Error('argon2 verify failed');
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cpu = process.cpuUsage(cpuStart);
  walls.sort((a, b) => a - b);
  return {
    ...config.argon2,
    runs,
    verifyWallMs: Math.round((walls[Math.floor(runs / 2)] ?? 0) * 100) / 100,
    verifyCpuMs: Math.round(((cpu.user + cpu.system) / 1000 / runs) * 100) / 100,
    cores: availableParallelism(),
  };
}

async function main(): Promise<void> {
  // `seed.ts --hash-only <out.json>`: only time the verify (the bench runs this
  // right before and after each login scenario, since the machine's speed drifts).
  if (process.argv[2] === '--hash-only') {
    const hashOut = process.argv[3];
    if (hashOut === undefined) throw new Error('usage: seed.ts --hash-only <out.json>');
    const timed = await measureArgon2(loadConfig(), Number(process.env.BENCH_HASH_RUNS ?? '20'));
    writeFileSync(hashOut, JSON.stringify(timed));
    return;
  }
  const out = process.argv[2];
  if (out === undefined) throw new Error('usage: seed.ts <out.json> | --hash-only <out.json>');
  const userCount = Number(process.env.BENCH_USERS ?? '4');
  const started = Date.now();
  const config = loadConfig();
  const deps = await openDeps(config);
  const services = createServices(deps);
  const { journal } = services;

  const lastDate = yesterdayUtc();
  const firstDate = addDays(lastDate, -(DAYS - 1));
  const users: SeededUser[] = [];
  let entries = 0;
  let feels = 0;
  let contentChars = 0;

  for (let u = 0; u < userCount; u++) {
    const random = prng(1000 + u);
    const email = `bench-${u}@daybook.test`;
    const password = `bench pass ${u} ${Math.floor(random() * 1e9)} ${Math.floor(random() * 1e9)}`;
    await services.accounts.signup(email, password, CONTEXT);
    const row = await findUserByEmailIndex(deps.platform.db, [
      emailIndex(deps.keyRing.current, normaliseEmail(email)),
    ]);
    if (!row) throw new Error(`seeding: ${email} was not created`);
    const userId = row.id;
    users.push({ id: userId, email, password });

    const pillarIds: string[] = [];
    for (const [i, name] of PILLARS.entries()) {
      const pillar = await journal.pillars.create(userId, {
        name,
        description: prose(random, 120),
        color: `#${(0x336699 + i * 0x113311).toString(16).slice(-6)}`,
        target: 3 + i,
      });
      pillarIds.push(pillar.id);
    }
    const habits = [
      await journal.habits.create(userId, 'Stretch'),
      await journal.habits.create(userId, 'Read'),
    ];

    // Ten years in one transaction: rows written by the journal's own
    // repositories, sealed by its own Sealer under the user's data key, as
    // the services do one at a time.
    const sealer = new Sealer(userId, await services.dataKeys.forUser(userId));
    await deps.vault.db.transaction().execute(async (trx) => {
      for (let d = 0; d < DAYS; d++) {
        const date = addDays(firstDate, d);
        const at = new Date(Date.parse(`${date}T21:00:00Z`)).toISOString();
        const text = entryContent(random);
        const content = d === 0 ? `${text.slice(0, text.length - 12)} ${RARE_WORD}.` : text;
        contentChars += content.length;
        const entryId = randomUUID();
        const entry = { title: title(random), content, completed: random() < 0.8 };
        await entriesRepo.insertEntry(trx, {
          id: entryId,
          user_id: userId,
          entry_date: date,
          payload: sealer.seal('entries', entryId, entry),
          created_at: at,
          updated_at: at,
        });
        const links = pillarIds.filter(() => random() < 0.3);
        if (links.length > 0) await entriesRepo.setPillarLinks(trx, userId, entryId, links);
        entries += 1;

        const morning: Morning = {
          mentalState: 1 + Math.floor(random() * 10),
          strongestEmotion: EMOTIONS[Math.floor(random() * EMOTIONS.length)] ?? 'calm',
          avoiding: prose(random, 80),
          habitsDone: habits.filter(() => random() < 0.5).map((h) => h.id),
        };
        const evening: Evening = {
          gaveEnergy: prose(random, 100),
          drainedEnergy: prose(random, 100),
          pressureOrPurpose: random() < 0.5 ? 'purpose' : 'pressure',
          honestNote: prose(random, 200),
        };
        for (const [kind, payload] of [
          ['morning', morning],
          ['evening', evening],
        ] as const) {
          const feelId = randomUUID();
          await feelsRepo.insertFeel(trx, {
            id: feelId,
            user_id: userId,
            feel_date: date,
            kind,
            payload: sealer.seal('feels', feelId, payload),
            created_at: at,
            updated_at: at,
          });
          feels += 1;
        }
      }
    });
    // Read back through the services: a payload of the wrong shape fails here, not mid-run.
    await journal.entries.get(userId, firstDate);
    await journal.feels.getDay(userId, lastDate);
    process.stderr.write(`seed: user ${u + 1}/${userCount} done (${Date.now() - started} ms)\n`);
  }

  const argon = await measureArgon2(config, Number(process.env.BENCH_HASH_RUNS ?? '20'));
  await closeDeps(deps);

  const result: SeedResult = {
    users,
    firstDate,
    lastDate,
    days: DAYS,
    rareWord: RARE_WORD,
    entries,
    feels,
    averageContentChars: Math.round(contentChars / Math.max(1, entries)),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    argon2: argon,
  };
  writeFileSync(out, JSON.stringify(result, null, 2));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
