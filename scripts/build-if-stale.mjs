#!/usr/bin/env node
// Runs before `npm start`: compiles src/ into dist/ with tsc when dist/server.js
// is missing or older than any source file or tsconfig, so the server that
// starts is always the code in src/. Nothing to do when dist/ is current.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BUILT = join(ROOT, 'dist', 'server.js');

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  newestIn(join(ROOT, 'src')),
  statSync(join(ROOT, 'tsconfig.json')).mtimeMs,
  statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs,
);
if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sources) process.exit(0);

console.error(
  'daybook: compiling src/ into dist/ (npm run build:server), as it changed since the last build',
);
const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.error(
    'daybook: dist/ is missing or older than src/, and TypeScript is not installed to compile it (npm ci installs it)',
  );
  process.exit(1);
}
const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
