/** Settings: profile, password, two-factor authentication, sessions, activity, your data. */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { browserTimeZone } from '../dates.ts';
import { useAction } from '../hooks.ts';
import { useUser } from '../session.ts';
import type { Profile } from '../types.ts';
import { Done, Form, FormError, Section, Submit, TextField } from '../ui.tsx';
import { DeleteAccount, ExportData, ImportData } from './data.tsx';
import { FactorField, factorBody } from './factor.tsx';
import { TwoFactor } from './mfa.tsx';
import { Activity, Sessions } from './sessions.tsx';

export function SettingsScreen() {
  const { profile } = useUser();
  return (
    <>
      <h1>Settings</h1>
      <div class="day-grid">
        <ProfileForm />
        <PasswordForm />
      </div>
      <TwoFactor />
      <Sessions />
      {/* Read again after a change of the second factor, which it records. */}
      <Activity key={String(profile.mfaEnabled)} />
      <div class="day-grid">
        <ExportData />
        <ImportData />
      </div>
      <DeleteAccount />
    </>
  );
}

let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= Intl.supportedValuesOf('timeZone');
  return zones;
}

function ProfileForm() {
  const { profile, setProfile } = useUser();
  const [displayName, setDisplayName] = useState(profile.displayName ?? '');
  const [timeZone, setTimeZone] = useState(profile.timeZone ?? browserTimeZone());
  const save = useAction(async () => {
    setProfile(
      await api.patch<Profile>('/api/auth/profile', {
        displayName: displayName.trim() || null,
        timeZone: timeZone.trim() || null,
      }),
    );
  }, 'Profile saved.');

  return (
    <Section title="Profile" id="profile">
      <p class="muted">Signed in as {profile.email}</p>
      <Form onSubmit={() => save.run()} label="Profile">
        <TextField
          label="Display name"
          value={displayName}
          onValue={setDisplayName}
          maxLength={100}
          error={save.fields.displayName}
        />
        <TextField
          label="Time zone"
          value={timeZone}
          onValue={setTimeZone}
          list="time-zones"
          hint="Decides when your day and week begin."
          error={save.fields.timeZone}
        />
        <datalist id="time-zones">
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <FormError error={save.error} />
        <Done message={save.done} />
        <Submit busy={save.busy}>Save profile</Submit>
      </Form>
    </Section>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [factor, setFactor] = useState('');
  const save = useAction(async () => {
    await api.post('/api/auth/password', {
      currentPassword: current,
      newPassword: next,
      ...factorBody(factor),
    });
    setCurrent('');
    setNext('');
    setFactor('');
  }, 'Password changed. Your other sessions were signed out.');

  return (
    <Section title="Password" id="password">
      <Form onSubmit={() => save.run()} label="Change password">
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onValue={setCurrent}
          error={save.fields.currentPassword}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onValue={setNext}
          hint="At least 12 characters."
          error={save.fields.newPassword}
        />
        <FactorField value={factor} onValue={setFactor} fields={save.fields} />
        <FormError error={save.error} />
        <Done message={save.done} />
        <Submit busy={save.busy}>Change password</Submit>
      </Form>
    </Section>
  );
}
