/** Sign up, log in, and the second step of a login with two-factor authentication. */
import { useState } from 'preact/hooks';

import { logIn, signUp, verifyMfa } from '../api.ts';
import { useAction } from '../hooks.ts';
import { href } from '../router.ts';
import { Done, Form, FormError, Submit, TextField } from '../ui.tsx';

export function SignUp({ onCreated }: { onCreated: (email: string, message: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(async () => onCreated(email, await signUp(email, password)));

  return (
    <main class="auth card">
      <h1>Create your Daybook</h1>
      <p class="muted">
        Everything you write is encrypted with a key of your own. Choose a password of 12 characters
        or more: a few unrelated words work well.
      </p>
      <Form onSubmit={() => action.run()} label="Sign up">
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onValue={setEmail}
          error={action.fields.email}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onValue={setPassword}
          error={action.fields.password}
          hint="At least 12 characters; common passwords are refused."
        />
        <FormError error={action.error} />
        <Submit busy={action.busy}>Sign up</Submit>
      </Form>
      <p>
        Already have an account? <a href={href('login')}>Log in</a>
      </p>
    </main>
  );
}

export function LogIn(props: {
  notice?: string | undefined;
  email?: string;
  onSignedIn: () => void;
}) {
  const [email, setEmail] = useState(props.email ?? '');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string>();
  const action = useAction(async () => {
    const answer = await logIn(email, password);
    if (answer) setMfaToken(answer.mfaToken);
    else props.onSignedIn();
  });

  if (mfaToken) {
    return (
      <MfaStep
        mfaToken={mfaToken}
        onSignedIn={props.onSignedIn}
        onRestart={() => {
          setMfaToken(undefined);
          setPassword('');
        }}
      />
    );
  }

  return (
    <main class="auth card">
      <h1>Log in to Daybook</h1>
      <Done message={props.notice} />
      <Form onSubmit={() => action.run()} label="Log in">
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onValue={setEmail}
          error={action.fields.email}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
          error={action.fields.password}
        />
        <FormError error={action.error} />
        <Submit busy={action.busy}>Log in</Submit>
      </Form>
      <p>
        New here? <a href={href('signup')}>Create an account</a>
      </p>
    </main>
  );
}

function MfaStep(props: { mfaToken: string; onSignedIn: () => void; onRestart: () => void }) {
  const [factor, setFactor] = useState('');
  const action = useAction(async () => {
    await verifyMfa(props.mfaToken, factor);
    props.onSignedIn();
  });
  const expired = action.error && 'status' in action.error && action.error.status === 401;

  return (
    <main class="auth card">
      <h1>Two-factor authentication</h1>
      <p class="muted">
        Enter the six-digit code from your authenticator app, or one of your recovery codes.
      </p>
      <Form onSubmit={() => action.run()} label="Verify code">
        <TextField
          label="Code or recovery code"
          autoComplete="one-time-code"
          inputMode="text"
          required
          value={factor}
          onValue={setFactor}
          error={action.fields.code ?? action.fields.recoveryCode}
        />
        <FormError error={action.error} />
        <Submit busy={action.busy}>Verify</Submit>
      </Form>
      {expired && <p class="muted">A login challenge lasts five minutes and works once.</p>}
      <p>
        <button type="button" class="link" onClick={props.onRestart}>
          Start again
        </button>
      </p>
    </main>
  );
}
