import type { ManagedProcess } from './ManagedProcess';

/**
 * Polls `url` until it answers 200 (a node's /readyz: listening, and its database answers). Rejects when
 * the process exits first or the time runs out, so a node that cannot start is reported, not waited for.
 */
export async function waitUntilReady(url: string, owner: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!owner.running) throw new Error(`${owner.name} exited before it was ready (see its output above)`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${owner.name} was not ready within ${timeoutMs / 1000} s (${url}: ${last})`);
}
