import { Histogram, nowUs } from './histogram';
import type { HttpPool } from './httpClient';
import type { HistoryArgs, HistoryResult } from './protocol';

/**
 * Closed-loop history reads, as a client scrolling back: alternately the latest page and a page
 * before a random older seq (`before_seq`, Concord's sync cursor). Each answer must hold a full page.
 */
export async function readHistory(pool: HttpPool, args: HistoryArgs): Promise<HistoryResult> {
  const latest = new Histogram();
  const older = new Histogram();
  let requests = 0;
  let errors = 0;
  const base = `/api/v10/channels/${args.channelId}/messages?limit=${args.pageSize}`;
  const started = performance.now();
  const deadline = started + args.durationMs;
  const loop = async (lane: number) => {
    let turn = lane;
    while (performance.now() < deadline) {
      const wantLatest = turn++ % 2 === 0;
      const before = args.pageSize + 1 + Math.floor(Math.random() * Math.max(1, args.newestSeq - args.pageSize));
      const path = wantLatest ? base : `${base}&before_seq=${before}`;
      const t0 = nowUs();
      try {
        const response = await pool.request('GET', path, args.token, null);
        const elapsed = nowUs() - t0;
        requests += 1;
        if (response.status !== 200 || countSeqs(response.body) !== args.pageSize) errors += 1;
        else (wantLatest ? latest : older).record(elapsed);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, (_, lane) => loop(lane)));
  return {
    requests,
    errors,
    latest: latest.toData(),
    older: older.toData(),
    elapsedMs: performance.now() - started,
  };
}

function countSeqs(body: string): number {
  let count = 0;
  for (let at = body.indexOf('"seq":'); at >= 0; at = body.indexOf('"seq":', at + 6)) count += 1;
  return count;
}
