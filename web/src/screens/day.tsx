/**
 * One day: the morning pulse, the habits checked off, the entry with its
 * pillars, the evening reflection and, today, a mood. Today's screen and a
 * past day opened from the journal are the same screen.
 */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { addDays, formatDate, formatTime } from '../dates.ts';
import { useAction, useLoad } from '../hooks.ts';
import { href } from '../router.ts';
import type {
  Entry,
  Evening,
  FeelsDay,
  HabitsToday,
  Mood,
  MoodLog,
  Page,
  Pillar,
  PressureOrPurpose,
} from '../types.ts';
import {
  Check,
  Choice,
  Done,
  Form,
  FormError,
  Loading,
  Section,
  Submit,
  TextArea,
  TextField,
} from '../ui.tsx';

export function DayScreen({ date, today }: { date: string; today: string }) {
  const day = useLoad(
    () =>
      Promise.all([
        api.get<Page<Entry>>('/api/entries', { from: date, to: date, limit: 1 }),
        api.get<FeelsDay>(`/api/feels/${date}`),
        api.get<HabitsToday>('/api/habits/today', { date }),
        api.get<Page<Pillar>>('/api/pillars'),
      ]),
    [date],
  );
  const [checks, setChecks] = useState<HabitsToday>();

  const heading = date === today ? 'Today' : formatDate(date);
  const nav = (
    <nav class="day-nav" aria-label="Days">
      <a href={href('day', addDays(date, -1))}>← Previous day</a>
      {date !== today && <a href={href('today')}>Today</a>}
      <a href={href('day', addDays(date, 1))}>Next day →</a>
    </nav>
  );

  if (!day.data) {
    return (
      <>
        <h1>{heading}</h1>
        <Loading error={day.error} />
      </>
    );
  }
  const [entries, feels, habits, pillars] = day.data;
  const habitList = checks?.date === date ? checks : habits;

  return (
    <>
      <div class="screen-head">
        <div>
          <h1>{heading}</h1>
          {date === today && <p class="muted">{formatDate(date)}</p>}
        </div>
        {nav}
      </div>
      <div class="day-layout">
        <div class="stack">
          <MorningCard
            date={date}
            feels={feels}
            done={habitList.items.filter((i) => i.done).map((i) => i.habit.id)}
          />
          <EntryCard
            key={date}
            date={date}
            entry={entries.items[0] ?? null}
            pillars={pillars.items}
          />
          <EveningCard date={date} evening={feels.evening} />
        </div>
        <div class="stack">
          <HabitsCard date={date} habits={habitList} onChange={setChecks} />
          {date === today && <MoodCard />}
        </div>
      </div>
    </>
  );
}

function EntryCard(props: { date: string; entry: Entry | null; pillars: Pillar[] }) {
  const [entry, setEntry] = useState(props.entry);
  const [title, setTitle] = useState(entry?.title ?? '');
  const [content, setContent] = useState(entry?.content ?? '');
  const [pillarIds, setPillarIds] = useState<string[]>(entry?.pillarIds ?? []);
  const [completed, setCompleted] = useState(entry?.completed ?? false);

  const save = useAction(async () => {
    const body = { title, content, pillarIds, completed };
    const saved = entry
      ? await api.patch<Entry>(`/api/entries/${props.date}`, body)
      : await api.post<Entry>('/api/entries', { date: props.date, ...body });
    setEntry(saved);
  }, 'Entry saved.');

  const shown = props.pillars.filter((p) => !p.archived || pillarIds.includes(p.id));
  const toggle = (id: string, on: boolean) =>
    setPillarIds((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));

  return (
    <Section title="Entry" id="entry">
      <Form onSubmit={() => save.run()} label="Entry">
        <TextField
          label="Title"
          value={title}
          onValue={setTitle}
          maxLength={200}
          error={save.fields.title}
        />
        <TextArea
          label="What happened today?"
          rows={10}
          value={content}
          onValue={setContent}
          error={save.fields.content}
        />
        <fieldset class="field">
          <legend>Pillars this entry serves</legend>
          {shown.length === 0 ? (
            <p class="muted">
              No pillars yet: <a href={href('pillars')}>add the areas of life that matter to you</a>
              .
            </p>
          ) : (
            <div class="chips">
              {shown.map((p) => (
                <Check
                  key={p.id}
                  label={
                    <>
                      <span class="swatch" style={{ background: p.color ?? '#888' }} />
                      {p.icon} {p.name}
                    </>
                  }
                  checked={pillarIds.includes(p.id)}
                  onValue={(on) => toggle(p.id, on)}
                />
              ))}
            </div>
          )}
          {save.fields.pillarIds && <small class="field-error">{save.fields.pillarIds}</small>}
        </fieldset>
        <Check label="The day is complete" checked={completed} onValue={setCompleted} />
        <FormError error={save.error} />
        <Done message={save.done} />
        <Submit busy={save.busy}>{entry ? 'Save entry' : 'Create entry'}</Submit>
        {entry && <p class="muted small">Last saved {formatTime(entry.updatedAt)}</p>}
      </Form>
    </Section>
  );
}

const MENTAL_STATES = Array.from({ length: 10 }, (_, i) => ({
  value: String(i + 1),
  label: String(i + 1),
}));

function MorningCard(props: { date: string; feels: FeelsDay; done: string[] }) {
  const morning = props.feels.morning;
  const [mentalState, setMentalState] = useState(morning ? String(morning.mentalState) : undefined);
  const [emotion, setEmotion] = useState(morning?.strongestEmotion ?? '');
  const [avoiding, setAvoiding] = useState(morning?.avoiding ?? '');

  const save = useAction(async () => {
    await api.put<FeelsDay>(`/api/feels/${props.date}/morning`, {
      mentalState: mentalState === undefined ? undefined : Number(mentalState),
      strongestEmotion: emotion,
      avoiding,
      habitsDone: props.done,
    });
  }, 'Morning pulse saved.');

  return (
    <Section title="Morning pulse" id="morning">
      <Form onSubmit={() => save.run()} label="Morning pulse">
        <Choice
          label="How is your mind this morning? (1 worst, 10 best)"
          options={MENTAL_STATES}
          value={mentalState}
          onValue={setMentalState}
          error={save.fields.mentalState}
        />
        <TextField
          label="Strongest emotion"
          value={emotion}
          onValue={setEmotion}
          maxLength={100}
          error={save.fields.strongestEmotion}
        />
        <TextArea
          label="What are you avoiding?"
          rows={2}
          value={avoiding}
          onValue={setAvoiding}
          error={save.fields.avoiding}
        />
        <p class="muted small">The habits you have checked off are saved with the pulse.</p>
        <FormError error={save.error} />
        <Done message={save.done} />
        <Submit busy={save.busy}>Save pulse</Submit>
      </Form>
    </Section>
  );
}

function HabitsCard(props: {
  date: string;
  habits: HabitsToday;
  onChange: (habits: HabitsToday) => void;
}) {
  // The box changes at once; the streaks follow when the server has answered.
  const toggle = useAction(async (id: string, on: boolean) => {
    const { date, habits, onChange } = props;
    onChange({
      ...habits,
      items: habits.items.map((i) => (i.habit.id === id ? { ...i, done: on } : i)),
    });
    const path = `/api/habits/${id}/checks/${date}`;
    try {
      if (on) await api.put(path);
      else await api.del(path);
    } finally {
      onChange(await api.get<HabitsToday>('/api/habits/today', { date }));
    }
  });

  return (
    <Section title="Habits" id="habits">
      {props.habits.items.length === 0 ? (
        <p class="muted">
          No habits yet. <a href={href('habits')}>Add the habits you want to keep.</a>
        </p>
      ) : (
        <ul class="plain">
          {props.habits.items.map(({ habit, done }) => (
            <li key={habit.id} class="habit-row">
              <Check
                label={habit.name}
                checked={done}
                disabled={toggle.busy}
                onValue={(on) => void toggle.run(habit.id, on)}
              />
              <span class="muted small" title="Current streak (longest)">
                {habit.streak.current} day{habit.streak.current === 1 ? '' : 's'} · best{' '}
                {habit.streak.longest}
              </span>
            </li>
          ))}
        </ul>
      )}
      <FormError error={toggle.error} />
    </Section>
  );
}

const PRESSURE: readonly { value: PressureOrPurpose; label: string }[] = [
  { value: 'pressure', label: 'Pressure' },
  { value: 'purpose', label: 'Purpose' },
  { value: 'both', label: 'Both' },
  { value: 'neither', label: 'Neither' },
];

function EveningCard(props: { date: string; evening: Evening | null }) {
  const e = props.evening;
  const [gave, setGave] = useState(e?.gaveEnergy ?? '');
  const [drained, setDrained] = useState(e?.drainedEnergy ?? '');
  const [pressure, setPressure] = useState<PressureOrPurpose | undefined>(e?.pressureOrPurpose);
  const [note, setNote] = useState(e?.honestNote ?? '');

  const save = useAction(async () => {
    await api.put<FeelsDay>(`/api/feels/${props.date}/evening`, {
      gaveEnergy: gave,
      drainedEnergy: drained,
      pressureOrPurpose: pressure,
      honestNote: note,
    });
  }, 'Evening reflection saved.');

  return (
    <Section title="Evening reflection" id="evening">
      <Form onSubmit={() => save.run()} label="Evening reflection">
        <TextArea
          label="What gave you energy?"
          rows={2}
          value={gave}
          onValue={setGave}
          error={save.fields.gaveEnergy}
        />
        <TextArea
          label="What drained it?"
          rows={2}
          value={drained}
          onValue={setDrained}
          error={save.fields.drainedEnergy}
        />
        <Choice
          label="Did the day run on pressure or purpose?"
          options={PRESSURE}
          value={pressure}
          onValue={setPressure}
          error={save.fields.pressureOrPurpose}
        />
        <TextArea
          label="An honest note"
          rows={3}
          value={note}
          onValue={setNote}
          error={save.fields.honestNote}
        />
        <FormError error={save.error} />
        <Done message={save.done} />
        <Submit busy={save.busy}>Save reflection</Submit>
      </Form>
    </Section>
  );
}

function MoodCard() {
  const data = useLoad(
    () =>
      Promise.all([
        api.get<Page<Mood>>('/api/moods'),
        api.get<Page<MoodLog>>('/api/moods/log', { limit: 5 }),
      ]),
    [],
  );
  const [moodId, setMoodId] = useState<string>();
  const [note, setNote] = useState('');
  const log = useAction(async () => {
    await api.post<MoodLog>('/api/moods/log', { moodId, note: note.trim() || null });
    setNote('');
    setMoodId(undefined);
    data.reload();
  }, 'Mood logged.');

  if (!data.data) return <Loading error={data.error} />;
  const [moods, recent] = data.data;
  const byId = new Map(moods.items.map((m) => [m.id, m]));
  const options = moods.items
    .filter((m) => !m.archived)
    .map((m) => ({ value: m.id, label: `${m.emoji} ${m.name}` }));

  return (
    <Section title="Mood" id="mood">
      <Form onSubmit={() => log.run()} label="Log a mood">
        <Choice
          label="How do you feel right now?"
          options={options}
          value={moodId}
          onValue={setMoodId}
          error={log.fields.moodId}
        />
        <TextField
          label="Note (optional)"
          value={note}
          onValue={setNote}
          maxLength={1000}
          error={log.fields.note}
        />
        <FormError error={log.error} />
        <Done message={log.done} />
        <Submit busy={log.busy}>Log mood</Submit>
      </Form>
      {recent.items.length > 0 && (
        <ul class="plain recent">
          {recent.items.map((l) => (
            <li key={l.id}>
              {byId.get(l.moodId)?.emoji} {byId.get(l.moodId)?.name ?? 'Mood'}
              {l.note && <span> — {l.note}</span>}{' '}
              <span class="muted small">{formatTime(l.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
