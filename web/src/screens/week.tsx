/** The weekly recap: the computed summary with its charts, your own notes, and past weeks. */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { addWeeks, daysOfWeek, formatDate } from '../dates.ts';
import { useAction, useLoad } from '../hooks.ts';
import { href } from '../router.ts';
import type { FeelsDay, Page, Recap } from '../types.ts';
import { Done, Form, FormError, Loading, Section, Submit, TextArea } from '../ui.tsx';
import { EnergyChart, ScoreBars } from './charts.tsx';

/** `week` null: the current week, in the profile's time zone. */
export function WeekScreen({ week }: { week: string | null }) {
  const recap = useLoad(
    () => api.get<Recap>(week === null ? '/api/weekly/current' : `/api/weekly/${week}`),
    [week],
  );
  const shown = recap.data?.week;
  const feels = useLoad(async () => {
    if (!shown) return null;
    const days = daysOfWeek(shown);
    return api.get<Page<FeelsDay>>('/api/feels', { from: days[0], to: days[6], limit: 7 });
  }, [shown]);

  if (!recap.data) {
    return (
      <>
        <h1>Week</h1>
        <Loading error={recap.error} />
      </>
    );
  }
  const r = recap.data;
  const days = daysOfWeek(r.week);
  const mornings = new Map(
    (feels.data?.items ?? []).map((d) => [d.date, d.morning?.mentalState ?? null]),
  );
  const { feels: f, habits } = r.summary;

  return (
    <>
      <div class="screen-head">
        <div>
          <h1>Week {r.week}</h1>
          <p class="muted">
            {formatDate(days[0]!, 'short')} – {formatDate(days[6]!, 'short')}
          </p>
        </div>
        <nav class="day-nav" aria-label="Weeks">
          <a href={href('week', addWeeks(r.week, -1))}>← Previous week</a>
          {week !== null && <a href={href('week')}>This week</a>}
          <a href={href('week', addWeeks(r.week, 1))}>Next week →</a>
        </nav>
      </div>
      <div class="day-grid">
        <Section title="Summary" id="summary">
          <dl class="stats">
            <div>
              <dt>Average mental state</dt>
              <dd>{f.mentalStateAverage ?? '–'}</dd>
            </div>
            <div>
              <dt>Top emotion</dt>
              <dd>{f.topEmotion ?? '–'}</dd>
            </div>
            <div>
              <dt>Days checked in</dt>
              <dd>{f.days}</dd>
            </div>
            <div>
              <dt>Habits done</dt>
              <dd>{Math.round(habits.completionRate * 100)}%</dd>
            </div>
          </dl>
          <EnergyChart days={days.map((date) => ({ date, value: mornings.get(date) ?? null }))} />
        </Section>
        <Section title="Pillars" id="week-pillars">
          <ScoreBars scores={r.summary.pillars} caption={`Entries per pillar, ${r.week}`} />
        </Section>
      </div>
      <RecapForm key={r.week} recap={r} onSaved={recap.set} />
      <PastWeeks />
    </>
  );
}

function RecapForm({ recap, onSaved }: { recap: Recap; onSaved: (r: Recap) => void }) {
  const [wins, setWins] = useState(recap.wins);
  const [patterns, setPatterns] = useState(recap.patterns);
  const [corrections, setCorrections] = useState(recap.courseCorrections);
  const save = useAction(async () => {
    onSaved(
      await api.put<Recap>(`/api/weekly/${recap.week}`, {
        wins,
        patterns,
        courseCorrections: corrections,
      }),
    );
  }, 'Recap saved.');

  return (
    <Section title="Your recap" id="recap">
      <Form onSubmit={() => save.run()} label="Weekly recap">
        <TextArea label="Wins" rows={3} value={wins} onValue={setWins} error={save.fields.wins} />
        <TextArea
          label="Patterns you noticed"
          rows={3}
          value={patterns}
          onValue={setPatterns}
          error={save.fields.patterns}
        />
        <TextArea
          label="Course corrections"
          rows={3}
          value={corrections}
          onValue={setCorrections}
          error={save.fields.courseCorrections}
        />
        <FormError error={save.error} />
        <Done message={save.done} />
        <Submit busy={save.busy}>Save recap</Submit>
      </Form>
    </Section>
  );
}

function PastWeeks() {
  const list = useLoad(() => api.get<Page<Recap>>('/api/weekly', { limit: 12 }), []);
  if (!list.data) return <Loading error={list.error} />;
  if (list.data.items.length === 0) return null;
  return (
    <Section title="Weeks you wrote about" id="past-weeks">
      <ul class="plain entries">
        {list.data.items.map((r) => (
          <li key={r.week}>
            <a href={href('week', r.week)}>
              <strong>{r.week}</strong>
            </a>{' '}
            <span class="muted small">
              {r.summary.feels.days} days checked in ·{' '}
              {Math.round(r.summary.habits.completionRate * 100)}% habits
            </span>
            {r.wins && <p class="snippet">{r.wins.slice(0, 160)}</p>}
          </li>
        ))}
      </ul>
    </Section>
  );
}
