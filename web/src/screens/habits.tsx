/** Habits (with streaks and the last two weeks) and moods (the system's and your own). */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { addDays, formatDate, formatTime, todayIn } from '../dates.ts';
import { useAction, useLoad } from '../hooks.ts';
import { useUser } from '../session.ts';
import type { Habit, Mood, MoodLog, Page } from '../types.ts';
import { Done, Form, FormError, Loading, Section, Submit, TextField } from '../ui.tsx';

export function HabitsScreen() {
  return (
    <>
      <h1>Habits &amp; moods</h1>
      <Habits />
      <Moods />
    </>
  );
}

const DAYS_SHOWN = 14;

function Habits() {
  const today = todayIn(useUser().profile.timeZone);
  const from = addDays(today, -(DAYS_SHOWN - 1));
  const data = useLoad(
    () =>
      Promise.all([
        api.get<Page<Habit>>('/api/habits'),
        api.get<{ items: { habitId: string; dates: string[] }[] }>('/api/habits/history', {
          from,
          to: today,
        }),
      ]),
    [today],
  );
  const [editing, setEditing] = useState<string | null>(null);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    data.reload();
  });

  if (!data.data) return <Loading error={data.error} />;
  const [habits, history] = data.data;
  const checked = new Map(history.items.map((h) => [h.habitId, new Set(h.dates)]));
  const days = Array.from({ length: DAYS_SHOWN }, (_, i) => addDays(from, i));
  const items = habits.items;
  const move = (index: number, by: number) => {
    const ids = items.map((h) => h.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    void act.run(() => api.put('/api/habits/order', { ids }));
  };

  return (
    <Section title="Habits" id="habit-list">
      {items.length === 0 && <p class="muted">No habits yet: add one below.</p>}
      <ol class="plain pillars">
        {items.map((h, i) => (
          <li key={h.id} class={h.archived ? 'archived' : ''}>
            <div class="grow">
              {editing === h.id ? (
                <RenameHabit
                  habit={h}
                  onDone={() => {
                    setEditing(null);
                    data.reload();
                  }}
                />
              ) : (
                <strong>{h.name}</strong>
              )}
              {h.archived && <span class="badge">archived</span>}
              <p class="muted small">
                Streak {h.streak.current} day{h.streak.current === 1 ? '' : 's'} · longest{' '}
                {h.streak.longest}
              </p>
              <div class="dots" aria-label={`${h.name}, the last ${DAYS_SHOWN} days`}>
                {days.map((d) => (
                  <span
                    key={d}
                    class={checked.get(h.id)?.has(d) ? 'dot on' : 'dot'}
                    title={`${formatDate(d, 'short')}: ${checked.get(h.id)?.has(d) ? 'done' : 'not done'}`}
                  />
                ))}
              </div>
            </div>
            <div class="actions">
              <button
                type="button"
                aria-label={`Move ${h.name} up`}
                disabled={i === 0 || act.busy}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                aria-label={`Move ${h.name} down`}
                disabled={i === items.length - 1 || act.busy}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button type="button" onClick={() => setEditing(h.id)}>
                Rename
              </button>
              <button
                type="button"
                onClick={() =>
                  void act.run(() => api.patch(`/api/habits/${h.id}`, { archived: !h.archived }))
                }
              >
                {h.archived ? 'Restore' : 'Archive'}
              </button>
              <button
                type="button"
                class="danger"
                onClick={() =>
                  confirm(`Delete “${h.name}” and its check-offs?`) &&
                  void act.run(() => api.del(`/api/habits/${h.id}`))
                }
              >
                Delete
              </button>
            </div>
          </li>
        ))}
      </ol>
      <FormError error={act.error} />
      <AddHabit key={items.length} onAdded={data.reload} />
    </Section>
  );
}

function RenameHabit({ habit, onDone }: { habit: Habit; onDone: () => void }) {
  const [name, setName] = useState(habit.name);
  const save = useAction(async () => {
    await api.patch(`/api/habits/${habit.id}`, { name });
    onDone();
  });
  return (
    <Form onSubmit={() => save.run()} label={`Rename ${habit.name}`} class="inline">
      <TextField label="New name" value={name} onValue={setName} error={save.fields.name} />
      <Submit busy={save.busy}>Save</Submit>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <FormError error={save.error} />
    </Form>
  );
}

function AddHabit({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState('');
  const add = useAction(async () => {
    await api.post<Habit>('/api/habits', { name });
    onAdded();
  });
  return (
    <Form onSubmit={() => add.run()} label="Add a habit" class="inline">
      <TextField
        label="New habit"
        value={name}
        onValue={setName}
        maxLength={100}
        placeholder="e.g. Walk before work"
        error={add.fields.name}
      />
      <Submit busy={add.busy}>Add habit</Submit>
      <FormError error={add.error} />
    </Form>
  );
}

function Moods() {
  const data = useLoad(
    () =>
      Promise.all([
        api.get<Page<Mood>>('/api/moods'),
        api.get<Page<MoodLog>>('/api/moods/log', { limit: 10 }),
      ]),
    [],
  );
  const [editing, setEditing] = useState<string | null>(null);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    data.reload();
  });

  if (!data.data) return <Loading error={data.error} />;
  const [moods, log] = data.data;
  const system = moods.items.filter((m) => m.system);
  const own = moods.items.filter((m) => !m.system);
  const byId = new Map(moods.items.map((m) => [m.id, m]));

  return (
    <>
      <Section title="Moods" id="moods">
        <p class="muted small">Built in</p>
        <p class="chips">
          {system.map((m) => (
            <span key={m.id} class="chip">
              {m.emoji} {m.name}
            </span>
          ))}
        </p>
        <p class="muted small">Your own</p>
        {own.length === 0 && <p class="muted">None yet.</p>}
        <ul class="plain pillars">
          {own.map((m) => (
            <li key={m.id} class={m.archived ? 'archived' : ''}>
              <div class="grow">
                {editing === m.id ? (
                  <MoodForm
                    mood={m}
                    onDone={() => {
                      setEditing(null);
                      data.reload();
                    }}
                  />
                ) : (
                  <strong>
                    {m.emoji} {m.name}
                  </strong>
                )}
                {m.archived && <span class="badge">archived</span>}
              </div>
              <div class="actions">
                <button type="button" onClick={() => setEditing(m.id)}>
                  Edit
                </button>
                <button
                  type="button"
                  onClick={() =>
                    void act.run(() =>
                      api.post(`/api/moods/${m.id}/${m.archived ? 'restore' : 'archive'}`),
                    )
                  }
                >
                  {m.archived ? 'Restore' : 'Archive'}
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() => void act.run(() => api.del(`/api/moods/${m.id}`))}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
        <FormError error={act.error} />
        <MoodForm key={own.length} onDone={data.reload} />
      </Section>
      <Section title="Mood log" id="mood-log">
        {log.items.length === 0 ? (
          <p class="muted">Nothing logged yet: log a mood from Today.</p>
        ) : (
          <ul class="plain recent">
            {log.items.map((l) => (
              <li key={l.id}>
                {byId.get(l.moodId)?.emoji} {byId.get(l.moodId)?.name ?? 'Mood'}
                {l.note && <span> — {l.note}</span>}{' '}
                <span class="muted small">{formatTime(l.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}

function MoodForm({ mood, onDone }: { mood?: Mood; onDone: () => void }) {
  const [name, setName] = useState(mood?.name ?? '');
  const [emoji, setEmoji] = useState(mood?.emoji ?? '');
  const save = useAction(
    async () => {
      if (mood) await api.patch(`/api/moods/${mood.id}`, { name, emoji });
      else await api.post('/api/moods', { name, emoji });
      onDone();
    },
    mood ? undefined : 'Mood added.',
  );
  return (
    <Form
      onSubmit={() => save.run()}
      label={mood ? `Edit ${mood.name}` : 'Add a mood'}
      class="inline"
    >
      <TextField
        label="Emoji"
        value={emoji}
        onValue={setEmoji}
        maxLength={16}
        class="narrow"
        error={save.fields.emoji}
      />
      <TextField
        label={mood ? 'Name' : 'New mood'}
        value={name}
        onValue={setName}
        maxLength={50}
        error={save.fields.name}
      />
      <Submit busy={save.busy}>{mood ? 'Save' : 'Add mood'}</Submit>
      {mood && (
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      )}
      <FormError error={save.error} />
      <Done message={save.done} />
    </Form>
  );
}
