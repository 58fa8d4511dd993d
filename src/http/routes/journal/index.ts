/** Registers every journal route: entries, pillars, feels, habits, moods and weekly recaps. */
import type { AppDeps } from '../../../context.ts';
import type { Services } from '../../../services.ts';
import type { App } from '../../types.ts';
import { entryRoutes } from './entries.ts';
import { feelsRoutes } from './feels.ts';
import { habitRoutes } from './habits.ts';
import { moodRoutes } from './moods.ts';
import { pillarRoutes } from './pillars.ts';
import { weeklyRoutes } from './weekly.ts';

export function journalRoutes(app: App, services: Services, _deps: AppDeps): void {
  const { journal } = services;
  entryRoutes(app, journal);
  pillarRoutes(app, journal);
  feelsRoutes(app, journal);
  habitRoutes(app, journal);
  moodRoutes(app, journal);
  weeklyRoutes(app, journal);
}
