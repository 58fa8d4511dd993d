/** Where you are signed in (with revoke), and your security events. */
import { useState } from 'preact/hooks';

import { api, logOut } from '../api.ts';
import { formatTime } from '../dates.ts';
import { useAction, useLoad } from '../hooks.ts';
import type { Page, SecurityEvent, SessionInfo } from '../types.ts';
import { FormError, Loading, Section } from '../ui.tsx';

/** "Chrome on Linux" from a user agent, or the start of it. */
function device(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chromium'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /curl\//.test(userAgent)
            ? 'curl'
            : null;
  const system = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 40);
}

export function Sessions() {
  const list = useLoad(() => api.get<{ items: SessionInfo[] }>('/api/auth/sessions'), []);
  const revoke = useAction(async (s: SessionInfo) => {
    if (s.current) return logOut();
    await api.del(`/api/auth/sessions/${s.id}`);
    list.reload();
  });

  return (
    <Section title="Where you are signed in" id="sessions">
      {!list.data ? (
        <Loading error={list.error} />
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Address</th>
              <th>Signed in</th>
              <th>Last active</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  {device(s.userAgent)} {s.current && <span class="badge on">this browser</span>}
                </td>
                <td>{s.ip ?? '–'}</td>
                <td>{formatTime(s.createdAt)}</td>
                <td>{formatTime(s.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    class={s.current ? '' : 'danger'}
                    disabled={revoke.busy}
                    onClick={() => void revoke.run(s)}
                  >
                    {s.current ? 'Log out' : 'Revoke'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <FormError error={revoke.error} />
    </Section>
  );
}

const EVENT_NAMES: Record<string, string> = {
  signup: 'Account created',
  login_success: 'Logged in',
  login_failure: 'Failed login',
  lockout: 'Account locked after failed logins',
  logout: 'Logged out',
  password_change: 'Password changed',
  session_revoked: 'Session revoked',
  refresh_token_reuse: 'Copied session token used; session ended',
  profile_update: 'Profile changed',
  mfa_enabled: 'Two-factor authentication turned on',
  mfa_disabled: 'Two-factor authentication turned off',
  mfa_failure: 'Wrong two-factor code',
  recovery_code_used: 'Recovery code used',
  recovery_codes_regenerated: 'New recovery codes made',
  export: 'Data exported',
  import: 'Data imported',
};

function eventName(type: string): string {
  const known = EVENT_NAMES[type];
  if (known) return known;
  const words = type.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function Activity() {
  const [older, setOlder] = useState<Page<SecurityEvent>[]>([]);
  const first = useLoad(
    () => api.get<Page<SecurityEvent>>('/api/account/activity', { limit: 10 }),
    [],
  );
  const more = useAction(async (cursor: string) => {
    const page = await api.get<Page<SecurityEvent>>('/api/account/activity', { limit: 20, cursor });
    setOlder((p) => [...p, page]);
  });

  if (!first.data) {
    return (
      <Section title="Security activity" id="activity">
        <Loading error={first.error} />
      </Section>
    );
  }
  const pages = [first.data, ...older];
  const next = pages.at(-1)?.nextCursor;

  return (
    <Section title="Security activity" id="activity">
      <table class="table">
        <thead>
          <tr>
            <th>What</th>
            <th>When</th>
            <th>Address</th>
            <th>Device</th>
          </tr>
        </thead>
        <tbody>
          {pages
            .flatMap((p) => p.items)
            .map((e, i) => (
              <tr key={`${e.at}-${i}`}>
                <td>{eventName(e.type)}</td>
                <td>{formatTime(e.at)}</td>
                <td>{e.ip ?? '–'}</td>
                <td>{device(e.userAgent)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <FormError error={more.error} />
      {next && (
        <button type="button" disabled={more.busy} onClick={() => void more.run(next)}>
          Older events
        </button>
      )}
    </Section>
  );
}
