/**
 * Summarises a `.cpuprofile` (from `BENCH_CPU_PROF=1 npm run bench`): where
 * the samples' self time went, by function and by origin (a package under
 * node_modules, a folder of src/, Node's internals, the garbage collector,
 * idle). Usage:
 *
 *   node --import tsx bench/profile.ts <file.cpuprofile> [top] [skip-seconds]
 *
 * `skip-seconds` leaves out the start (module loading, schema compilation),
 * so what remains is the server under load.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function origin(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (['(idle)', '(garbage collector)', '(program)'].includes(functionName)) return functionName;
    return '(native)';
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  const src = /\/(src|bench)\/(.*)\/[^/]+$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (/\/(src|bench)\/[^/]+$/.test(url)) return /\/(src|bench)\//.exec(url)?.[1] ?? url;
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  return url;
}

function main(): void {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? '25');
  const skipUs = Number(process.argv[4] ?? '0') * 1e6;
  if (file === undefined)
    throw new Error('usage: profile.ts <file.cpuprofile> [top] [skip-seconds]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByFunction = new Map<string, number>();
  const selfByOrigin = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    elapsed += dt;
    if (!node || elapsed < skipUs) return;
    total += dt;
    if (node.callFrame.functionName === '(idle)') idle += dt;
    const where = origin(node.callFrame);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + dt);
    selfByOrigin.set(where, (selfByOrigin.get(where) ?? 0) + dt);
  });
  const busy = total - idle;
  const print = (title: string, map: Map<string, number>) => {
    process.stdout.write(`\n${title} (share of busy time, ${(busy / 1e6).toFixed(1)} s busy)\n`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      if (name === '(idle)') continue;
      process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(6)}%  ${name}\n`);
    }
  };
  print('self time by origin', selfByOrigin);
  print('self time by function', selfByFunction);
}

main();
