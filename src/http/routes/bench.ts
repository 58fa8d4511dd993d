/**
 * Benchmark-only routes, registered only when `BENCH_BARE_ROUTE=true`
 * (`npm run bench` sets it; production never does). They touch no database
 * and need no token:
 *
 * - `GET /api/bench/bare`: a small JSON, the ceiling of this process on this
 *   machine, measured through the same Fastify instance and global hooks as
 *   every real route.
 * - `GET /api/bench/loop`: event-loop delay percentiles (ms) since the last
 *   call, then reset, and the process memory; the bench reads it around each
 *   scenario.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { Type } from 'typebox';

import type { App } from '../types.ts';

const NS_PER_MS = 1e6;
const MIB = 1024 * 1024;

const Delay = Type.Object({
  p50: Type.Number(),
  p99: Type.Number(),
  max: Type.Number(),
  mean: Type.Number(),
});

export function benchRoutes(app: App): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  app.addHook('onClose', async () => delay.disable());

  app.get(
    '/api/bench/bare',
    {
      schema: {
        hide: true,
        response: { 200: Type.Object({ ok: Type.Boolean(), at: Type.Number() }) },
      },
    },
    () => ({ ok: true, at: Date.now() }),
  );

  app.get(
    '/api/bench/loop',
    {
      schema: {
        hide: true,
        response: {
          200: Type.Object({
            delayMs: Delay,
            samples: Type.Number(),
            rssMiB: Type.Number(),
            heapUsedMiB: Type.Number(),
          }),
        },
      },
    },
    () => {
      const ms = (ns: number) => Math.round((ns / NS_PER_MS) * 100) / 100;
      const samples = delay.count;
      const stats = {
        p50: samples > 0 ? ms(delay.percentile(50)) : 0,
        p99: samples > 0 ? ms(delay.percentile(99)) : 0,
        max: samples > 0 ? ms(delay.max) : 0,
        mean: samples > 0 ? ms(delay.mean) : 0,
      };
      delay.reset();
      const memory = process.memoryUsage();
      return {
        delayMs: stats,
        samples,
        rssMiB: Math.round((memory.rss / MIB) * 10) / 10,
        heapUsedMiB: Math.round((memory.heapUsed / MIB) * 10) / 10,
      };
    },
  );
}
