/** The API's shapes, as far as the client reads them (API.md; GET /api/openapi.json). */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Profile {
  id: string;
  email: string;
  displayName: string | null;
  timeZone: string | null;
  mfaEnabled: boolean;
  createdAt: string;
}

export interface Entry {
  id: string;
  date: string;
  title: string;
  content: string;
  pillarIds: string[];
  completed: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SearchHit {
  date: string;
  title: string;
  snippet: string;
}

export interface Pillar {
  id: string;
  name: string;
  description: string;
  color: string | null;
  icon: string | null;
  target: number;
  current: number;
  archived: boolean;
  position: number;
}

export interface Score {
  pillarId: string;
  name: string;
  entries: number;
  target: number;
  ratio: number;
}

export interface Morning {
  mentalState: number;
  strongestEmotion: string;
  avoiding: string;
  habitsDone: string[];
}

export type PressureOrPurpose = 'pressure' | 'purpose' | 'both' | 'neither';

export interface Evening {
  gaveEnergy: string;
  drainedEnergy: string;
  pressureOrPurpose: PressureOrPurpose;
  honestNote: string;
}

export interface FeelsDay {
  date: string;
  morning: Morning | null;
  evening: Evening | null;
}

export interface Habit {
  id: string;
  name: string;
  position: number;
  archived: boolean;
  streak: { current: number; longest: number };
  createdAt: string;
}

export interface HabitsToday {
  date: string;
  items: { habit: Habit; done: boolean }[];
}

export interface Mood {
  id: string;
  name: string;
  emoji: string;
  system: boolean;
  archived: boolean;
}

export interface MoodLog {
  id: string;
  moodId: string;
  note: string | null;
  at: string;
}

export interface Recap {
  week: string;
  wins: string;
  patterns: string;
  courseCorrections: string;
  summary: {
    pillars: Score[];
    feels: { mentalStateAverage: number | null; topEmotion: string | null; days: number };
    habits: { completionRate: number };
  };
  updatedAt: string | null;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface SecurityEvent {
  type: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

export type Counts = Record<
  | 'entries'
  | 'pillars'
  | 'feels'
  | 'habits'
  | 'habitChecks'
  | 'moods'
  | 'moodLogs'
  | 'weeklyRecaps',
  number
>;
