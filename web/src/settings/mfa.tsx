/** Two-factor authentication: scan a QR code and confirm a code; recovery codes; turning it off. */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { useAction } from '../hooks.ts';
import { useUser } from '../session.ts';
import type { Profile } from '../types.ts';
import { Done, Form, FormError, Section, Submit, TextField } from '../ui.tsx';
import { factorBody } from './factor.tsx';

interface Setup {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

export function TwoFactor() {
  const { profile, setProfile } = useUser();
  const [codes, setCodes] = useState<string[]>();
  const refreshProfile = async () => setProfile(await api.get<Profile>('/api/auth/profile'));

  return (
    <Section title="Two-factor authentication" id="mfa">
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} />}
      {profile.mfaEnabled ? (
        <>
          <p>
            <span class="badge on">On</span> Logging in needs a code from your authenticator app.
          </p>
          <div class="day-grid">
            <ConfirmForm
              title="New recovery codes"
              button="Make new recovery codes"
              note="The old codes stop working."
              onConfirm={async (body) => {
                const { recoveryCodes } = await api.post<{ recoveryCodes: string[] }>(
                  '/api/auth/mfa/recovery-codes',
                  body,
                );
                setCodes(recoveryCodes);
              }}
            />
            <ConfirmForm
              title="Turn off"
              button="Turn off two-factor authentication"
              danger
              onConfirm={async (body) => {
                await api.post('/api/auth/mfa/disable', body);
                await refreshProfile();
              }}
            />
          </div>
        </>
      ) : (
        <Enrol
          onEnabled={async (recoveryCodes) => {
            setCodes(recoveryCodes);
            await refreshProfile();
          }}
        />
      )}
    </Section>
  );
}

function Enrol({ onEnabled }: { onEnabled: (codes: string[]) => Promise<void> }) {
  const [setup, setSetup] = useState<Setup>();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const begin = useAction(async () => setSetup(await api.post<Setup>('/api/auth/mfa/setup')));
  const enable = useAction(async () => {
    const { recoveryCodes } = await api.post<{ recoveryCodes: string[] }>('/api/auth/enable-mfa', {
      password,
      code: code.trim(),
    });
    await onEnabled(recoveryCodes);
  });

  if (!setup) {
    return (
      <>
        <p>
          Protect your journal with a second step at login: a code from an authenticator app on your
          phone.
        </p>
        <FormError error={begin.error} />
        <button
          type="button"
          class="primary"
          disabled={begin.busy}
          onClick={() => void begin.run()}
        >
          Set up two-factor authentication
        </button>
      </>
    );
  }

  return (
    <div class="enrol">
      <img
        src={setup.qrCode}
        alt="QR code to scan with your authenticator app"
        width={200}
        height={200}
      />
      <div>
        <ol>
          <li>Scan the QR code with your authenticator app.</li>
          <li>
            Or type this key in by hand: <code class="secret">{setup.secret}</code>
          </li>
          <li>Enter the six-digit code the app shows, and your password.</li>
        </ol>
        <Form onSubmit={() => enable.run()} label="Confirm two-factor authentication">
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            error={enable.fields.password}
          />
          <TextField
            label="Six-digit code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onValue={setCode}
            error={enable.fields.code}
          />
          <FormError error={enable.error} />
          <Submit busy={enable.busy}>Turn on</Submit>
        </Form>
      </div>
    </div>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div class="notice" role="region" aria-label="Recovery codes">
      <h3>Your recovery codes</h3>
      <p>
        Each code logs you in once if you lose your phone. Keep them somewhere safe: they are shown
        only now.
      </p>
      <ol class="codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={onDone}>
        I have saved them
      </button>
    </div>
  );
}

/** Password plus a code: what changing the second factor asks for. */
function ConfirmForm(props: {
  title: string;
  button: string;
  note?: string;
  danger?: boolean;
  onConfirm: (body: Record<string, string>) => Promise<void>;
}) {
  const [password, setPassword] = useState('');
  const [factor, setFactor] = useState('');
  const action = useAction(async () => {
    await props.onConfirm({ password, ...factorBody(factor) });
    setPassword('');
    setFactor('');
  }, 'Done.');

  return (
    <Form onSubmit={() => action.run()} label={props.title} class="subcard">
      <h3>{props.title}</h3>
      {props.note && <p class="muted small">{props.note}</p>}
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onValue={setPassword}
        error={action.fields.password}
      />
      <TextField
        label="Authenticator code or recovery code"
        autoComplete="one-time-code"
        value={factor}
        onValue={setFactor}
        error={action.fields.code ?? action.fields.recoveryCode}
      />
      <FormError error={action.error} />
      <Done message={action.done} />
      <Submit busy={action.busy} danger={props.danger}>
        {props.button}
      </Submit>
    </Form>
  );
}
