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
import { setPriority } from 'node:os';

/** The nice value given to background threads: the main thread keeps 0. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the priority of every thread of this process but the main one.
 * Threads started later take the priority of the thread that starts them,
 * which is the main thread, so call it once the libuv pool is up: the first
 * pool request starts all of the pool's threads, and this makes one.
 * Returns how many threads were changed.
 */
export async function lowerBackgroundThreads(): Promise<number> {
  if (process.platform !== 'linux') return 0;
  await access('.'); // a libuv pool request: the pool's threads exist after it
  let changed = 0;
  for (const name of readdirSync('/proc/self/task')) {
    const tid = Number(name);
    if (tid === process.pid) continue; // the main thread's id is the process id
    try {
      setPriority(tid, BACKGROUND_NICE);
      changed++;
    } catch {
      // The thread has ended, or the kernel refused: leave it as it is.
    }
  }
  return changed;
}
