/** Loading data and running actions, with their state kept for the screen to show. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { ApiError } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  /** Replaces the data with what a write answered, without asking again. */
  set: (data: T) => void;
}

/** Loads once per change of `deps`; an answer that arrives after a newer request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const [round, setRound] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const mine = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === latest.current && setState({ data, loading: false }),
      (error: Error) => mine === latest.current && setState({ error, loading: false }),
    );
  }, [...deps, round]);

  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload: useCallback(() => setRound((r) => r + 1), []),
    set: useCallback((data: T) => setState({ data, loading: false }), []),
  };
}

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  error: Error | undefined;
  /** Field messages of a validation problem, by field name. */
  fields: Record<string, string>;
  /** A short note after success ("Saved"), cleared by the next run. */
  done: string | undefined;
  reset: () => void;
}

/**
 * Wraps a form's submit: one run at a time, the error kept for display, and
 * an optional message on success.
 */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<T>,
  doneMessage?: string | ((result: T) => string),
): Action<A, T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();

  const run = async (...args: A): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const result = await action(...args);
      if (doneMessage !== undefined) {
        setDone(typeof doneMessage === 'string' ? doneMessage : doneMessage(result));
      }
      return result;
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  return {
    run,
    busy,
    error,
    fields: error instanceof ApiError ? error.fields : {},
    done,
    reset: () => {
      setError(undefined);
      setDone(undefined);
    },
  };
}
