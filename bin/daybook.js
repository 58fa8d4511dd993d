#!/usr/bin/env node
// The `daybook` command (npx daybook, npm run daybook). The sources are
// TypeScript run through tsx, so register its loader before importing them.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli.ts');
run();
