/** Your data: export it (a download), import an export, delete the account. */
import { useState } from 'preact/hooks';

import { accountDeleted, api, raw, upload } from '../api.ts';
import { useAction } from '../hooks.ts';
import type { Counts } from '../types.ts';
import { Check, Choice, Done, Form, FormError, Section, Submit, TextField, size } from '../ui.tsx';
import { FactorField, factorBody } from './factor.tsx';

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function fileName(disposition: string | null): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match?.[1] ?? `daybook-export-${new Date().toISOString().slice(0, 10)}.json`;
}

export function ExportData() {
  const [password, setPassword] = useState('');
  const [factor, setFactor] = useState('');
  const [received, setReceived] = useState<number | null>(null);

  const run = useAction(
    async () => {
      setReceived(0);
      try {
        const res = await raw('POST', '/api/account/export', { password, ...factorBody(factor) });
        // The export is streamed as it is decrypted: count what has arrived.
        const chunks: Uint8Array[] = [];
        let total = 0;
        if (res.body) {
          const reader = res.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            chunks.push(value);
            total += value.length;
            setReceived(total);
          }
        }
        download(
          new Blob(chunks as BlobPart[], { type: 'application/json' }),
          fileName(res.headers.get('content-disposition')),
        );
        setPassword('');
        setFactor('');
        return total;
      } finally {
        setReceived(null);
      }
    },
    (total) => `Export downloaded (${size(total)}).`,
  );

  return (
    <Section title="Export" id="export">
      <p class="muted">
        Everything you wrote, decrypted, in one JSON file. Keep it somewhere as safe as this
        journal.
      </p>
      <Form onSubmit={() => run.run()} label="Export">
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          error={run.fields.password}
        />
        <FactorField value={factor} onValue={setFactor} fields={run.fields} />
        {received !== null && (
          <div class="progress" role="status">
            <progress />
            <span>Exporting… {size(received)} received</span>
          </div>
        )}
        <FormError error={run.error} />
        <Done message={run.done} />
        <Submit busy={run.busy}>Download export</Submit>
      </Form>
    </Section>
  );
}

const MODES = [
  { value: 'empty', label: 'Only into an empty journal' },
  { value: 'merge', label: 'Merge: keep what is here, add the rest' },
] as const;

const NOUNS: Record<keyof Counts, [string, string]> = {
  entries: ['entry', 'entries'],
  pillars: ['pillar', 'pillars'],
  feels: ['check-in', 'check-ins'],
  habits: ['habit', 'habits'],
  habitChecks: ['habit check-off', 'habit check-offs'],
  moods: ['mood', 'moods'],
  moodLogs: ['logged mood', 'logged moods'],
  weeklyRecaps: ['weekly recap', 'weekly recaps'],
};

function describe(counts: Counts): string {
  const parts = (Object.keys(NOUNS) as (keyof Counts)[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${NOUNS[k][counts[k] === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

export function ImportData() {
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'empty' | 'merge'>('empty');
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);

  const run = useAction(
    async () => {
      if (!file) throw new Error('Choose an export file first.');
      setProgress({ sent: 0, total: file.size });
      try {
        return await upload<{ imported: Counts; skipped: Counts }>(
          `/api/account/import?mode=${mode}`,
          file,
          (sent, total) => setProgress({ sent, total }),
        );
      } finally {
        setProgress(null);
      }
    },
    (answer) =>
      `Imported ${describe(answer.imported)}; skipped ${describe(answer.skipped)} already here.`,
  );

  return (
    <Section title="Import" id="import">
      <p class="muted">Bring back a Daybook export. Nothing you have is changed.</p>
      <Form onSubmit={() => run.run()} label="Import">
        <div class="field">
          <label for="import-file">Export file</label>
          <input
            id="import-file"
            type="file"
            accept="application/json,.json"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <Choice label="How" options={MODES} value={mode} onValue={setMode} />
        {progress && (
          <div class="progress" role="status">
            <progress value={progress.sent} max={progress.total || 1} />
            <span>
              {progress.sent < progress.total
                ? `Uploading… ${size(progress.sent)} of ${size(progress.total)}`
                : 'Checking and writing…'}
            </span>
          </div>
        )}
        <FormError error={run.error} list />
        <Done message={run.done} />
        <Submit busy={run.busy}>Import</Submit>
      </Form>
    </Section>
  );
}

export function DeleteAccount() {
  const [password, setPassword] = useState('');
  const [factor, setFactor] = useState('');
  const [sure, setSure] = useState(false);
  const run = useAction(async () => {
    if (!sure) throw new Error('Tick the box to confirm that you want to delete everything.');
    await api.del('/api/account', { password, ...factorBody(factor) });
    accountDeleted();
  });

  return (
    <Section title="Delete account" id="delete">
      <p>
        Deleting your account destroys its key first, so nothing you wrote can be read again, by
        anyone. This cannot be undone; export first if you want a copy.
      </p>
      <Form onSubmit={() => run.run()} label="Delete account">
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          error={run.fields.password}
        />
        <FactorField value={factor} onValue={setFactor} fields={run.fields} />
        <Check
          label="I understand that my journal will be gone for good"
          checked={sure}
          onValue={setSure}
        />
        <FormError error={run.error} />
        <Submit busy={run.busy} danger>
          Delete my account
        </Submit>
      </Form>
    </Section>
  );
}
