/** Calendar dates (YYYY-MM-DD) and ISO weeks (YYYY-Www), computed in UTC to stay exact. */

const DAY_MS = 86_400_000;

function toUtc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Today's date in a time zone (the profile's; UTC when it has none, as the server does). */
export function todayIn(timeZone: string | null): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timeZone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function addDays(date: string, days: number): string {
  return fromUtc(new Date(toUtc(date).getTime() + days * DAY_MS));
}

/** The ISO week a date belongs to: the week of its Thursday. */
export function isoWeekOf(date: string): string {
  const d = toUtc(date);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday to Sunday of an ISO week. */
export function daysOfWeek(week: string): string[] {
  const [year, w] = week.split('-W').map(Number) as [number, number];
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const monday = fromUtc(new Date(monday1 + (w - 1) * 7 * DAY_MS));
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

export function addWeeks(week: string, weeks: number): string {
  return isoWeekOf(addDays(daysOfWeek(week)[0]!, weeks * 7));
}

export function formatDate(date: string, style: 'long' | 'short' = 'long'): string {
  return toUtc(date).toLocaleDateString(undefined, {
    timeZone: 'UTC',
    weekday: style === 'long' ? 'long' : 'short',
    day: 'numeric',
    month: style === 'long' ? 'long' : 'short',
    year: 'numeric',
  });
}

export function weekdayOf(date: string): string {
  return toUtc(date).toLocaleDateString(undefined, { timeZone: 'UTC', weekday: 'short' });
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && fromUtc(toUtc(value)) === value;
}

export function isWeek(value: string): boolean {
  return /^\d{4}-W\d{2}$/.test(value) && isoWeekOf(daysOfWeek(value)[0]!) === value;
}

/** The browser's own time zone, offered when the profile has none. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
