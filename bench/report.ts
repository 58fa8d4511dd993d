/** The benchmark report: one table for the terminal, the same as Markdown, and the targets. */

export interface ScenarioResult {
  readonly name: string;
  readonly what: string;
  readonly connections: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** rps / bare rps of the same round (undefined when bare was not run). */
  readonly ratioToBare: number | undefined;
  /** Server CPU (all threads) per request, microseconds; only for a load run alone. */
  readonly cpuUsPerRequest: number | undefined;
  /**
   * Bare's CPU per request / this one's: the throughput ratio the server
   * would reach if it had the machine to itself (robust on a busy machine).
   */
  readonly cpuRatioToBare: number | undefined;
  readonly badStatus: number;
  readonly errors: number;
  /** Server CPU over the run, as a share of all cores. */
  readonly serverCpuShare: number | undefined;
  readonly loadgenCpuShare: number;
  readonly loopDelayP99Ms: number | undefined;
  readonly loopDelayMaxMs: number | undefined;
  readonly rssAfterMiB: number | undefined;
  readonly heapUsedMiB: number | undefined;
  /** A scenario-specific remark (share of the argon2 limit, share of solo reads). */
  readonly note?: string;
}

export interface Target {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

export interface Report {
  readonly startedAt: string;
  readonly totalSeconds: number;
  readonly machine: {
    readonly cores: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
    readonly loadAverageBefore: readonly number[];
    readonly loadAverageAfter: readonly number[];
  };
  readonly settings: Record<string, string | number | boolean>;
  readonly seed: {
    readonly users: number;
    readonly entriesPerUser: number;
    readonly feelsPerUser: number;
    readonly averageContentChars: number;
    readonly firstDate: string;
    readonly lastDate: string;
    readonly seconds: number;
  };
  readonly argon2: {
    readonly memoryKiB: number;
    readonly timeCost: number;
    readonly parallelism: number;
    readonly verifyWallMs: number;
    /** Timed while seeding. */
    readonly verifyCpuMs: number;
    /** Timed right before and after the (last) login scenario, averaged: the limit's basis. */
    readonly loginVerifyCpuMs: number;
    /** cores / CPU seconds of one verify at login time: logins per second the machine could hash at best. */
    readonly limitPerSecond: number;
  };
  readonly memory: {
    readonly beforeMiB: number | undefined;
    readonly afterMiB: number | undefined;
    readonly peakMiB: number | undefined;
    readonly afterEachRoundMiB: readonly (number | undefined)[];
  };
  readonly rounds: readonly (readonly ScenarioResult[])[];
  readonly targets: readonly Target[];
}

const pct = (share: number | undefined) =>
  share === undefined ? 'n/a' : `${(share * 100).toFixed(share < 0.01 ? 2 : share < 0.1 ? 1 : 0)}%`;
const num = (value: number | undefined, digits = 1) =>
  value === undefined ? 'n/a' : value.toFixed(digits);

const COLUMNS = [
  'scenario',
  'conns',
  'req/s',
  'p50 ms',
  'p99 ms',
  'of bare',
  'CPU µs/req',
  'of bare by CPU',
  'failed',
  'server CPU',
  'loadgen CPU',
  'loop p99 ms',
  'RSS MiB',
] as const;

function row(r: ScenarioResult): string[] {
  return [
    r.name,
    String(r.connections),
    r.rps.toFixed(0),
    num(r.p50Ms, 2),
    num(r.p99Ms, 2),
    pct(r.ratioToBare),
    r.cpuUsPerRequest === undefined ? 'n/a' : r.cpuUsPerRequest.toFixed(0),
    pct(r.cpuRatioToBare),
    String(r.badStatus + r.errors),
    pct(r.serverCpuShare),
    pct(r.loadgenCpuShare),
    num(r.loopDelayP99Ms, 1),
    num(r.rssAfterMiB, 0),
  ];
}

export function textTable(results: readonly ScenarioResult[]): string {
  const rows = [COLUMNS as readonly string[], ...results.map(row)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  return [
    line(rows[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

export function markdownTable(results: readonly ScenarioResult[]): string {
  const header = `| ${COLUMNS.join(' | ')} |`;
  const rule = `| ${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  return [header, rule, ...results.map((r) => `| ${row(r).join(' | ')} |`)].join('\n');
}

export function notes(results: readonly ScenarioResult[]): string[] {
  return results.filter((r) => r.note !== undefined).map((r) => `${r.name}: ${r.note}`);
}

export function summaryLines(report: Report): string[] {
  const m = report.machine;
  const a = report.argon2;
  const mem = report.memory;
  return [
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; load average ${m.loadAverageBefore.join(' / ')} before, ${m.loadAverageAfter.join(' / ')} after`,
    `data: ${report.seed.users} users x ${report.seed.entriesPerUser} daily entries (${report.seed.firstDate} to ${report.seed.lastDate}, ~${report.seed.averageContentChars} characters each), ${report.seed.feelsPerUser} feels each, 5 pillars, 2 habits; seeded in ${report.seed.seconds} s`,
    `argon2id m=${a.memoryKiB} KiB t=${a.timeCost} p=${a.parallelism}: one verify ${a.verifyCpuMs} ms CPU while seeding (${a.verifyWallMs} ms wall), ${a.loginVerifyCpuMs} ms around the login scenario; limit ${m.cores} cores / ${a.loginVerifyCpuMs} ms = ${a.limitPerSecond.toFixed(0)} logins/s`,
    `server RSS: ${num(mem.beforeMiB, 0)} MiB before, ${num(mem.afterMiB, 0)} MiB after, ${num(mem.peakMiB, 0)} MiB peak (VmHWM)` +
      (mem.afterEachRoundMiB.length > 1
        ? `; after each round: ${mem.afterEachRoundMiB.map((v) => num(v, 0)).join(', ')} MiB`
        : ''),
  ];
}

export function targetLines(targets: readonly Target[]): string[] {
  return targets.map(
    (t) => `${t.met === undefined ? '[?]' : t.met ? '[met]' : '[missed]'} ${t.goal}: ${t.measured}`,
  );
}

export function markdownReport(report: Report): string {
  const last = report.rounds[report.rounds.length - 1] ?? [];
  return [
    `# Daybook benchmark, ${report.startedAt}`,
    '',
    markdownTable(last),
    '',
    ...notes(last).map((n) => `- ${n}`),
    '',
    ...summaryLines(report).map((l) => `- ${l}`),
    '',
    '## Targets (reported, never asserted)',
    '',
    ...targetLines(report.targets).map((l) => `- ${l}`),
    '',
    '## Settings',
    '',
    ...Object.entries(report.settings).map(([k, v]) => `- ${k}: ${String(v)}`),
    '',
    `Total time: ${report.totalSeconds} s.`,
    '',
  ].join('\n');
}
