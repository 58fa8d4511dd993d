/** Pillars: the areas of life that matter, in your order, with this week's scores. */
import { useState } from 'preact/hooks';

import { api } from '../api.ts';
import { useAction, useLoad } from '../hooks.ts';
import type { Page, Pillar, Score } from '../types.ts';
import {
  Check,
  Done,
  Form,
  FormError,
  Loading,
  Section,
  Submit,
  TextArea,
  TextField,
} from '../ui.tsx';
import { ScoreBars } from './charts.tsx';

export function PillarsScreen() {
  const pillars = useLoad(() => api.get<Page<Pillar>>('/api/pillars'), []);
  const scores = useLoad(
    () => api.get<{ week: string; items: Score[] }>('/api/pillars/scores'),
    [pillars.data],
  );
  const [editing, setEditing] = useState<string | null>(null);

  const reorder = useAction(async (ids: string[]) => {
    pillars.set(await api.put<Page<Pillar>>('/api/pillars/order', { ids }));
  });
  const change = useAction(async (id: string, body: Partial<Pillar>) => {
    await api.patch<Pillar>(`/api/pillars/${id}`, body);
    pillars.reload();
  });
  const remove = useAction(async (id: string) => {
    await api.del(`/api/pillars/${id}`);
    pillars.reload();
  });

  if (!pillars.data) return <Loading error={pillars.error} />;
  const items = pillars.data.items;
  const move = (index: number, by: number) => {
    const ids = items.map((p) => p.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    void reorder.run(ids);
  };

  return (
    <>
      <h1>Pillars</h1>
      <p class="muted">
        The areas of life you want to tend. Link entries to them; the target is how many entries a
        week you want for each.
      </p>
      <Section title="This week" id="scores">
        {scores.data ? (
          <ScoreBars
            scores={scores.data.items}
            caption={`Entries per pillar, ${scores.data.week}`}
          />
        ) : (
          <Loading error={scores.error} />
        )}
      </Section>
      <Section title="Your pillars" id="pillar-list">
        {items.length === 0 && <p class="muted">No pillars yet: add your first below.</p>}
        <ol class="plain pillars">
          {items.map((p, i) =>
            editing === p.id ? (
              <li key={p.id}>
                <PillarForm
                  pillar={p}
                  onSaved={() => {
                    setEditing(null);
                    pillars.reload();
                  }}
                  onCancel={() => setEditing(null)}
                />
              </li>
            ) : (
              <li key={p.id} class={p.archived ? 'archived' : ''}>
                <span class="swatch big" style={{ background: p.color ?? '#888' }} />
                <div class="grow">
                  <strong>
                    {p.icon} {p.name}
                  </strong>
                  {p.archived && <span class="badge">archived</span>}
                  {p.description && <p class="small">{p.description}</p>}
                  <p class="muted small">
                    Target {p.target} a week · current {p.current}
                  </p>
                </div>
                <div class="actions">
                  <button
                    type="button"
                    aria-label={`Move ${p.name} up`}
                    disabled={i === 0 || reorder.busy}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    aria-label={`Move ${p.name} down`}
                    disabled={i === items.length - 1 || reorder.busy}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button type="button" onClick={() => setEditing(p.id)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    onClick={() => void change.run(p.id, { archived: !p.archived })}
                  >
                    {p.archived ? 'Restore' : 'Archive'}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    onClick={() =>
                      confirm(`Delete “${p.name}”? Entries stay.`) && void remove.run(p.id)
                    }
                  >
                    Delete
                  </button>
                </div>
              </li>
            ),
          )}
        </ol>
        <FormError error={reorder.error ?? change.error ?? remove.error} />
      </Section>
      <Section title="Add a pillar" id="add-pillar">
        <PillarForm key={items.length} onSaved={() => pillars.reload()} />
      </Section>
    </>
  );
}

function PillarForm(props: { pillar?: Pillar; onSaved: () => void; onCancel?: () => void }) {
  const p = props.pillar;
  const [name, setName] = useState(p?.name ?? '');
  const [description, setDescription] = useState(p?.description ?? '');
  const [color, setColor] = useState(p?.color ?? '#4a7c59');
  const [noColor, setNoColor] = useState(p ? p.color === null : false);
  const [icon, setIcon] = useState(p?.icon ?? '');
  const [target, setTarget] = useState(String(p?.target ?? 3));
  const [current, setCurrent] = useState(String(p?.current ?? 0));

  const save = useAction(async () => {
    const body = {
      name,
      description,
      color: noColor ? null : color,
      icon: icon.trim() || null,
      target: target === '' ? undefined : Number(target),
      current: current === '' ? undefined : Number(current),
    };
    if (p) await api.patch<Pillar>(`/api/pillars/${p.id}`, body);
    else await api.post<Pillar>('/api/pillars', body);
    props.onSaved();
  }, 'Pillar saved.');

  return (
    <Form
      onSubmit={() => save.run()}
      label={p ? `Edit ${p.name}` : 'Add a pillar'}
      class="grid-form"
    >
      <TextField
        label="Name"
        value={name}
        onValue={setName}
        maxLength={100}
        error={save.fields.name}
      />
      <TextField
        label="Icon (an emoji)"
        value={icon}
        onValue={setIcon}
        maxLength={64}
        error={save.fields.icon}
      />
      <TextArea
        label="Description"
        rows={2}
        value={description}
        onValue={setDescription}
        error={save.fields.description}
      />
      <div class="row">
        <TextField
          label="Colour"
          type="color"
          value={color}
          onValue={setColor}
          error={save.fields.color}
        />
        <Check label="No colour" checked={noColor} onValue={setNoColor} />
      </div>
      <div class="row">
        <TextField
          label="Target (entries a week)"
          type="number"
          min={0}
          max={1000}
          value={target}
          onValue={setTarget}
          error={save.fields.target}
        />
        <TextField
          label="Current value"
          type="number"
          min={0}
          step="any"
          value={current}
          onValue={setCurrent}
          error={save.fields.current}
        />
      </div>
      <FormError error={save.error} />
      <Done message={p ? undefined : save.done} />
      <div class="row">
        <Submit busy={save.busy}>{p ? 'Save pillar' : 'Add pillar'}</Submit>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </Form>
  );
}
