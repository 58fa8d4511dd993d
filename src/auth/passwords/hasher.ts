/**
 * Password hashing with argon2id, behind a gate: at most `concurrency` hashes
 * run at once and at most `queue` wait; past that the caller gets `503` with
 * `Retry-After`, so a login storm cannot starve every other request of the
 * libuv thread pool (DESIGN.md section 5).
 */
import { randomBytes } from 'node:crypto';

import argon2 from 'argon2';

import type { Argon2Settings } from '../../config/config.ts';
import { AppError } from '../../errors.ts';

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        throw new AppError(
          503,
          'busy',
          'Service busy',
          'Too many sign-ins at once; try again shortly',
          undefined,
          {
            'retry-after': '1',
          },
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** argon2's own default, and the PHC string format's recommendation. */
const SALT_BYTES = 16;

export class PasswordHasher {
  private readonly gate: HashGate;
  private readonly options: argon2.HashOptions & { raw: false };
  private dummyHash: Promise<string> | undefined;

  constructor(settings: Argon2Settings, concurrency: number, queue: number) {
    this.gate = new HashGate(concurrency, queue);
    this.options = {
      type: argon2.argon2id,
      memoryCost: settings.memoryKiB,
      timeCost: settings.timeCost,
      parallelism: settings.parallelism,
      raw: false,
    };
  }

  /**
   * The salt is drawn here, synchronously: left to argon2, it would be drawn
   * on the libuv pool, a round trip through the event loop while this hash
   * already holds a slot of the gate and no hash runs in it.
   */
  hash(password: string): Promise<string> {
    return this.gate.run(() =>
      argon2.hash(password, { ...this.options, salt: randomBytes(SALT_BYTES) }),
    );
  }

  /** Constant-work verify: a malformed stored hash is a mismatch, not an error. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.gate.run(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    });
  }

  /**
   * Verifies against a hash of a random password with the current parameters,
   * so an unknown email costs the same time as a known one.
   */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= argon2.hash(randomBytes(24).toString('base64'), this.options);
    await this.verify(await this.dummyHash, password);
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, {
      memoryCost: this.options.memoryCost,
      timeCost: this.options.timeCost,
      parallelism: this.options.parallelism,
    });
  }
}
