/**
 * Keeps the event loop ahead of background threads when the CPU is short.
 *
 * Every request runs on the one main thread, but a login's argon2 hash runs
 * on a libuv pool thread for about 25 ms of CPU. Under a login storm the
 * hashing gate keeps one hash per core running, so the main thread had to
 * share the cores with them and journal reads fell to a fraction of their
 * usual rate. Lowering the priority (raising the nice value) of every thread
 * but the main one lets the kernel give the main thread the CPU it asks for
 * first; hashes, the WAL checkpoint worker and V8's helper threads take what
 * is left, which on an idle server is everything, so a lone login storm runs
 * as fast as before.
 *
 * Linux only (per-thread nice values, thread ids under /proc/self/task); on
 * other systems, or where the kernel refuses, nothing changes.
 */
import { readdirSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';

/** How much nicer than the main thread background threads run. */
export const BACKGROUND_NICE_STEP = 10;
/** The nicest value Linux has. */
const NICEST = 19;

/**
 * Lowers the priority of every thread of this process but the main one,
 * to {@link BACKGROUND_NICE_STEP} nicer than the main thread (at most 19).
 * Threads started later take the priority of the thread that starts them,
 * which is the main thread, so call it once the libuv pool is up: the first
 * pool request starts all of the pool's threads, and this makes one.
 * Returns how many threads were changed.
 */
export async function lowerBackgroundThreads(): Promise<number> {
  if (process.platform !== 'linux') return 0;
  // Relative to where the process was started: under `nice 15`, background
  // threads go to 19, and a process already at 19 is left as it is.
  const main = getPriority(process.pid);
  const background = Math.min(NICEST, main + BACKGROUND_NICE_STEP);
  if (background <= main) return 0;
  await access('.'); // a libuv pool request: the pool's threads exist after it
  let changed = 0;
  for (const name of readdirSync('/proc/self/task')) {
    const tid = Number(name);
    if (tid === process.pid) continue; // the main thread's id is the process id
    try {
      setPriority(tid, background);
      changed++;
    } catch {
      // The thread has ended, or the kernel refused: leave it as it is.
    }
  }
  return changed;
}
