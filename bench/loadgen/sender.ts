import { ackedSeq, messageBody } from './frames';
import { Histogram, nowUs } from './histogram';
import type { HttpPool } from './httpClient';
import type { BurstArgs, SendArgs, SendResult } from './protocol';

/** How many sends may wait per connection before new ones are shed: the server has fallen behind. */
const QUEUE_PER_CONNECTION = 4;

/**
 * An open-loop sender: sends are due on a fixed schedule (`ratePerSec`), whatever the server's pace,
 * and each carries its *scheduled* time, so latency includes any queueing behind a slow server
 * (no coordinated omission). When too many are outstanding, due sends are shed and counted.
 */
export async function sendAtRate(pool: HttpPool, args: SendArgs, tag: string): Promise<SendResult> {
  const { senders, ratePerSec, durationMs, contentBytes } = args;
  const total = Math.floor((ratePerSec * durationMs) / 1000);
  const result = emptyResult(total);
  const ackLatency = new Histogram();
  const maxOutstanding = args.connections * QUEUE_PER_CONNECTION;
  const inFlight: Array<Promise<void>> = [];
  const startMs = performance.now();
  const startUs = nowUs();
  let issued = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = performance.now() - startMs;
      // Send k (from 0) is due at k / rate: the first goes out at once.
      const due = Math.min(total, Math.floor((elapsed * ratePerSec) / 1000) + 1);
      while (issued < due) {
        const scheduledUs = startUs + (issued * 1e6) / ratePerSec;
        const sender = senders[issued % senders.length] as { channelId: string; token: string };
        issued += 1;
        if (pool.outstanding >= maxOutstanding) {
          result.shed += 1;
          continue;
        }
        result.sent += 1;
        inFlight.push(sendOne(pool, sender, scheduledUs, `${tag}.${issued}`, contentBytes, result, ackLatency));
      }
      if (issued >= total) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
  result.ackLatency = ackLatency.toData();
  return result;
}

/** Sends `perChannel` messages into every channel as fast as the connections allow (closed loop). */
export async function sendBurst(pool: HttpPool, args: BurstArgs, tag: string): Promise<SendResult> {
  const total = args.senders.length * args.perChannel;
  const result = emptyResult(total);
  const ackLatency = new Histogram();
  const sends: Array<Promise<void>> = [];
  for (let round = 0; round < args.perChannel; round++) {
    for (const sender of args.senders) {
      result.sent += 1;
      sends.push(sendOne(pool, sender, nowUs(), `${tag}.${result.sent}`, args.contentBytes, result, ackLatency));
    }
  }
  await Promise.all(sends);
  result.ackLatency = ackLatency.toData();
  return result;
}

async function sendOne(
  pool: HttpPool,
  sender: { channelId: string; token: string },
  scheduledUs: number,
  nonce: string,
  contentBytes: number,
  result: SendResult,
  ackLatency: Histogram,
): Promise<void> {
  const path = `/api/v10/channels/${sender.channelId}/messages`;
  try {
    const response = await pool.request('POST', path, sender.token, messageBody(scheduledUs, nonce, contentBytes));
    const seq = response.status === 200 ? ackedSeq(response.body) : -1;
    if (seq < 0) {
      count(result.errors, `http ${response.status}`);
      return;
    }
    ackLatency.record(nowUs() - scheduledUs);
    let acked = result.acked.get(sender.channelId);
    if (acked === undefined) {
      acked = [];
      result.acked.set(sender.channelId, acked);
    }
    acked.push(seq);
  } catch (error) {
    count(result.errors, error instanceof Error ? error.message : String(error));
  }
}

function emptyResult(offered: number): SendResult {
  return { offered, sent: 0, shed: 0, acked: new Map(), errors: {}, ackLatency: new Histogram().toData() };
}

function count(errors: Record<string, number>, key: string): void {
  errors[key] = (errors[key] ?? 0) + 1;
}
