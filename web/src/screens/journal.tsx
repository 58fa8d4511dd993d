/** The journal: search, open any day, and the entries newest first. */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { formatDate, isDate } from '../dates.ts';
import { useAction, useLoad } from '../hooks.ts';
import { go, href } from '../router.ts';
import type { Entry, Page, SearchHit } from '../types.ts';
import { Form, FormError, Loading, Section, Submit, TextField } from '../ui.tsx';

export function JournalScreen() {
  return (
    <>
      <h1>Journal</h1>
      <div class="day-grid">
        <Search />
        <OpenDay />
      </div>
      <Entries />
    </>
  );
}

function Search() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<{ q: string; page: Page<SearchHit> }>();
  const search = useAction(async (cursor?: string) => {
    const page = await api.get<Page<SearchHit>>('/api/entries/search', { q, cursor, limit: 20 });
    setResults((prev) =>
      cursor && prev
        ? { q, page: { ...page, items: [...prev.page.items, ...page.items] } }
        : { q, page },
    );
  });

  return (
    <Section title="Search" id="search">
      <Form onSubmit={() => search.run()} label="Search entries" class="inline">
        <TextField
          label="Words to find"
          type="search"
          value={q}
          onValue={setQ}
          maxLength={200}
          error={search.fields.q}
        />
        <Submit busy={search.busy}>Search</Submit>
      </Form>
      <FormError error={search.error} />
      {results && (
        <div role="region" aria-label="Search results">
          {results.page.items.length === 0 ? (
            <p class="muted">No entry contains “{results.q}”.</p>
          ) : (
            <ul class="plain results">
              {results.page.items.map((hit) => (
                <li key={hit.date}>
                  <a href={href('day', hit.date)}>
                    <strong>{hit.title || formatDate(hit.date)}</strong>
                  </a>{' '}
                  <span class="muted small">{formatDate(hit.date, 'short')}</span>
                  <p class="snippet">{hit.snippet}</p>
                </li>
              ))}
            </ul>
          )}
          {results.page.nextCursor && (
            <button
              type="button"
              disabled={search.busy}
              onClick={() => void search.run(results.page.nextCursor ?? undefined)}
            >
              More results
            </button>
          )}
        </div>
      )}
    </Section>
  );
}

function OpenDay() {
  const [date, setDate] = useState('');
  const [error, setError] = useState<string>();
  return (
    <Section title="Open a day" id="open-day">
      <Form
        label="Open a day"
        class="inline"
        onSubmit={() => (isDate(date) ? go('day', date) : setError('Pick a date'))}
      >
        <TextField label="Date" type="date" value={date} onValue={setDate} error={error} />
        <button type="submit">Open</button>
      </Form>
    </Section>
  );
}

function Entries() {
  const [pages, setPages] = useState<Page<Entry>[]>([]);
  const first = useLoad(() => api.get<Page<Entry>>('/api/entries', { limit: 20 }), []);
  const more = useAction(async (cursor: string) => {
    const page = await api.get<Page<Entry>>('/api/entries', { limit: 20, cursor });
    setPages((p) => [...p, page]);
  });

  if (!first.data) return <Loading error={first.error} />;
  const all = [first.data, ...pages];
  const entries = all.flatMap((p) => p.items);
  const next = all.at(-1)?.nextCursor;

  return (
    <Section title="Entries" id="entries">
      {entries.length === 0 ? (
        <p class="muted">
          No entries yet. <a href={href('today')}>Write today’s.</a>
        </p>
      ) : (
        <ul class="plain entries">
          {entries.map((e) => (
            <li key={e.id}>
              <a href={href('day', e.date)}>
                <span class="entry-date">{formatDate(e.date, 'short')}</span>
                <strong>{e.title || 'Untitled'}</strong>
              </a>
              {e.completed && <span class="badge">complete</span>}
              <p class="snippet">
                {e.content.slice(0, 160)}
                {e.content.length > 160 ? '…' : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      <FormError error={more.error} />
      {next && (
        <button type="button" disabled={more.busy} onClick={() => void more.run(next)}>
          Older entries
        </button>
      )}
    </Section>
  );
}
