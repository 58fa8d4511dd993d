/** The second factor a sensitive form asks for when MFA is on. */
import { secondFactor } from '../api.ts';
import { useUser } from '../session.ts';
import { TextField } from '../ui.tsx';

/** A code or a recovery code, asked only when MFA is on. */
export function FactorField(props: {
  value: string;
  onValue: (v: string) => void;
  fields: Record<string, string>;
}) {
  const { profile } = useUser();
  if (!profile.mfaEnabled) return null;
  return (
    <TextField
      label="Authenticator code or recovery code"
      autoComplete="one-time-code"
      value={props.value}
      onValue={props.onValue}
      error={props.fields.code ?? props.fields.recoveryCode}
    />
  );
}

/** `{code}` or `{recoveryCode}` for a request body, or nothing when none was typed. */
export function factorBody(value: string) {
  return value.trim() === '' ? {} : secondFactor(value);
}
