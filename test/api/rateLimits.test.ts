import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer, type TestUser } from '../support/testServer';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  server = await startServer({ rateLimits: true });
  // Registered before the login test empties this IP's auth bucket.
  alice = await server.user();
  bob = await server.user();
});
afterAll(() => server.close());

describe('rate limits', () => {
  it('sends X-RateLimit headers and answers 429 with Retry-After and retry_after once a bucket is empty', async () => {
    const register = (i: number) =>
      fetch(`${server.baseUrl}/api/v10/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: `nobody${i}`, password: 'wrong-password' }),
      });
    const first = await register(0);
    expect(first.status).toBe(400);
    expect(first.headers.get('x-ratelimit-limit')).toBe('20');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('17');
    expect(Number(first.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    expect(first.headers.get('x-ratelimit-bucket')).toBe('auth');
    let limited: Response | undefined;
    for (let i = 1; i <= 25 && limited === undefined; i++) {
      const response = await register(i);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(limited, 'the 21st login attempt in a minute is refused').toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited!.json()) as { retry_after: number; global: boolean; message: string };
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.global).toBe(false);
    expect(body.message).toMatch(/rate limited/);
  });

  it('limits one user without slowing another', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${server.baseUrl}/api/v10/users/@me`, { headers: { authorization: alice.token } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect((await bob.api.me()).id).toBe(bob.id);
  });
});
