/**
 * Small building blocks: labelled fields that show the API's message for
 * them, a form's own error and success note, buttons that show work.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

import { ApiError } from './api.ts';

interface FieldProps {
  label: string;
  /** The API's message for this field, shown under it. */
  error?: string | undefined;
  hint?: string;
}

function Messages({ id, error, hint }: { id: string; error?: string | undefined; hint?: string }) {
  return (
    <>
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </>
  );
}

function described(id: string, error?: string, hint?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The few input attributes the forms use. */
interface InputProps extends FieldProps {
  type?: 'text' | 'email' | 'password' | 'search' | 'date' | 'number' | 'color';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric';
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  step?: string;
  placeholder?: string;
  list?: string;
  class?: string;
}

export function TextField(props: InputProps & { value: string; onValue: (value: string) => void }) {
  const { label, error, hint, value, onValue, ...rest } = props;
  const id = useId();
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, error, hint)}
        // Preact types an input as a union keyed by `type`; these attributes fit every member.
        {...(rest as Record<string, unknown>)}
      />
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function TextArea(
  props: FieldProps & {
    value: string;
    onValue: (value: string) => void;
    rows?: number;
    placeholder?: string;
    maxLength?: number;
  },
) {
  const { label, error, hint, value, onValue, ...rest } = props;
  const id = useId();
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, error, hint)}
        {...rest}
      />
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function Choice<T extends string>(
  props: FieldProps & {
    value: T | undefined;
    options: readonly { value: T; label: string }[];
    onValue: (value: T) => void;
  },
) {
  const { label, error, hint, value, options, onValue } = props;
  const id = useId();
  return (
    <fieldset
      class={`field choice${error ? ' invalid' : ''}`}
      aria-describedby={described(id, error, hint)}
    >
      <legend>{label}</legend>
      <div class="choices">
        {options.map((o) => (
          <label key={o.value} class={o.value === value ? 'picked' : ''}>
            <input
              type="radio"
              name={id}
              value={o.value}
              checked={o.value === value}
              onChange={() => onValue(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
      <Messages id={id} error={error} hint={hint} />
    </fieldset>
  );
}

export function Check(props: {
  label: ComponentChildren;
  checked: boolean;
  onValue: (checked: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onValue(e.currentTarget.checked)}
      />
      {props.label}
    </label>
  );
}

/**
 * The error of a whole form (or a load): the problem's detail, unless the
 * form's fields already show its messages. `list` shows them here instead,
 * for a form whose input is not fields (an uploaded document).
 */
export function FormError({ error, list }: { error: Error | undefined; list?: boolean }) {
  if (!error) return null;
  const errors = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  if (errors.length > 0 && !list) {
    return (
      <p class="form-error" role="alert">
        Please check the fields marked above.
      </p>
    );
  }
  return (
    <div class="form-error" role="alert">
      {error.message}
      {list && errors.length > 0 && (
        <ul>
          {errors.slice(0, 10).map((e) => (
            <li key={e.path}>
              <code>{e.path.replace(/^\/body/, '')}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Done({ message }: { message: string | undefined }) {
  return message ? (
    <p class="done" role="status">
      {message}
    </p>
  ) : null;
}

export function Submit(props: { busy: boolean; children: ComponentChildren; danger?: boolean }) {
  return (
    <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={props.busy}>
      {props.busy ? 'Working…' : props.children}
    </button>
  );
}

/** A `<form>` whose submit runs `onSubmit` without a page load. */
export function Form(props: {
  onSubmit: () => unknown;
  children: ComponentChildren;
  class?: string;
  label?: string;
}) {
  return (
    <form
      class={props.class}
      aria-label={props.label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}

export function Section(props: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={props.id ? `${props.id}-title` : undefined}>
      <h2 id={props.id ? `${props.id}-title` : undefined}>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function Loading({ error }: { error?: Error | undefined }) {
  return error ? <FormError error={error} /> : <p class="muted">Loading…</p>;
}

/** Bytes as a short size: 1.2 MB. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
