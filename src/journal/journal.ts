/** The journal's services, built from the vault database and two lookups into accounts. */
import { todayIn } from './calendar.ts';
import { EntryService } from './entries/entries.service.ts';
import { FeelsService } from './feels/feels.service.ts';
import { HabitService } from './habits/habits.service.ts';
import { MoodService } from './moods/moods.service.ts';
import { PillarService } from './pillars/pillars.service.ts';
import type { JournalContext, VaultDb } from './vault.ts';
import { WeeklyService } from './weekly/weekly.service.ts';

export interface Journal {
  readonly entries: EntryService;
  readonly pillars: PillarService;
  readonly feels: FeelsService;
  readonly habits: HabitService;
  readonly moods: MoodService;
  readonly weekly: WeeklyService;
}

export interface JournalDeps {
  readonly db: VaultDb;
  /** The user's 32-byte data key. */
  readonly keyFor: (userId: string) => Promise<Buffer>;
  /** The user's IANA time zone, if they set one; "today" is UTC otherwise. */
  readonly timeZoneOf: (userId: string) => Promise<string | null>;
}

export function createJournal(deps: JournalDeps): Journal {
  const ctx: JournalContext = {
    db: deps.db,
    keyFor: deps.keyFor,
    today: async (userId) => todayIn(await deps.timeZoneOf(userId)),
  };
  const pillars = new PillarService(ctx);
  const feels = new FeelsService(ctx);
  const habits = new HabitService(ctx);
  return {
    entries: new EntryService(ctx),
    pillars,
    feels,
    habits,
    moods: new MoodService(ctx),
    weekly: new WeeklyService(ctx, pillars, feels, habits),
  };
}
