/**
 * The page: the login screens when signed out, otherwise the navigation and
 * the screen the URL fragment names.
 */
import { useEffect, useState } from 'preact/hooks';

import { api, hasSession, logOut, onSignedOut, type SignedOutReason } from './api.ts';
import { browserTimeZone, isDate, isWeek, todayIn } from './dates.ts';
import { go, href, useRoute } from './router.ts';
import { DayScreen } from './screens/day.tsx';
import { LogIn, SignUp } from './screens/auth.tsx';
import { HabitsScreen } from './screens/habits.tsx';
import { JournalScreen } from './screens/journal.tsx';
import { PillarsScreen } from './screens/pillars.tsx';
import { WeekScreen } from './screens/week.tsx';
import { SettingsScreen } from './settings/settings.tsx';
import { UserContext, useUser } from './session.ts';
import type { Profile } from './types.ts';

const NOTICES: Record<SignedOutReason, string | undefined> = {
  expired: 'Your session has ended. Please log in again.',
  logout: 'You are logged out.',
  deleted: 'Your account and everything in it were deleted.',
};

/** The profile after sign-in; one without a time zone gets the browser's, so "today" is yours. */
async function loadProfile(): Promise<Profile> {
  const profile = await api.get<Profile>('/api/auth/profile');
  if (profile.timeZone !== null) return profile;
  return api
    .patch<Profile>('/api/auth/profile', { timeZone: browserTimeZone() })
    .catch(() => profile);
}

export function App() {
  const [profile, setProfile] = useState<Profile | null | undefined>(
    hasSession() ? undefined : null,
  );
  const [notice, setNotice] = useState<string>();
  const [signedUpAs, setSignedUpAs] = useState<string>();
  const route = useRoute();

  useEffect(
    () =>
      onSignedOut((reason) => {
        setProfile(null);
        setNotice(NOTICES[reason]);
        go('login');
      }),
    [],
  );

  const signedIn = () => {
    setNotice(undefined);
    loadProfile().then(
      (p) => {
        setProfile(p);
        if (['login', 'signup', ''].includes(route[0] ?? '')) go('today');
      },
      () => setProfile(null),
    );
  };

  // At start-up, a session this browser remembers is checked (and refreshed if need be).
  useEffect(() => {
    if (profile === undefined) signedIn();
  }, []);

  if (profile === undefined) return <p class="muted centered">Loading…</p>;

  if (profile === null) {
    if (route[0] === 'signup') {
      return (
        <SignUp
          onCreated={(email, message) => {
            setSignedUpAs(email);
            setNotice(`${message} You can log in now.`);
            go('login');
          }}
        />
      );
    }
    return <LogIn key={signedUpAs} notice={notice} email={signedUpAs} onSignedIn={signedIn} />;
  }

  return (
    <UserContext.Provider value={{ profile, setProfile }}>
      <Shell route={route} />
    </UserContext.Provider>
  );
}

const NAV: readonly [string, string][] = [
  ['today', 'Today'],
  ['journal', 'Journal'],
  ['pillars', 'Pillars'],
  ['habits', 'Habits & moods'],
  ['week', 'Week'],
  ['settings', 'Settings'],
];

function Shell({ route }: { route: string[] }) {
  const { profile } = useUser();
  const [screen = 'today', arg = ''] = route;
  const current = screen === 'day' ? 'journal' : screen;
  const today = todayIn(profile.timeZone);

  return (
    <>
      <header class="top">
        <a class="brand" href={href('today')}>
          Daybook
        </a>
        <nav aria-label="Main">
          {NAV.map(([path, label]) => (
            <a key={path} href={href(path)} aria-current={current === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <button type="button" class="link" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      <main class="screen">{pick(screen, arg, today)}</main>
    </>
  );
}

function pick(screen: string, arg: string, today: string) {
  switch (screen) {
    case 'today':
    case 'login':
    case 'signup':
      return <DayScreen key={today} date={today} today={today} />;
    case 'day':
      return isDate(arg) ? <DayScreen key={arg} date={arg} today={today} /> : <NotFound />;
    case 'journal':
      return <JournalScreen />;
    case 'pillars':
      return <PillarsScreen />;
    case 'habits':
      return <HabitsScreen />;
    case 'week':
      return arg === '' || isWeek(arg) ? <WeekScreen key={arg} week={arg || null} /> : <NotFound />;
    case 'settings':
      return <SettingsScreen />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <section class="card">
      <h1>Nothing here</h1>
      <p>
        This page does not exist. Go to <a href={href('today')}>today</a>.
      </p>
    </section>
  );
}
