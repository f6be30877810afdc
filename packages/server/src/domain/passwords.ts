import { hash, verify } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum in the typings; Argon2id is its value 2.
const ARGON2ID = 2;

/** Password hashing behind a port, so tests and benchmarks can pick cheaper parameters. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** argon2id with OWASP's minimum parameters (m=19 MiB, t=2, p=1); runs off the event loop. */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly options = { memoryCost: 19456, timeCost: 2, parallelism: 1 }) {}

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.options });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      // A malformed stored hash is a failed login, not a server error.
      return false;
    }
  }
}
