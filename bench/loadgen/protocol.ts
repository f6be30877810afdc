import type { HistogramData } from './histogram';

/** One gateway session a worker holds: a user's token and the channels it should hear. */
export interface SessionSpec {
  key: number;
  token: string;
  channels: string[];
}

/** acked seqs per channel: what every member of that channel must receive exactly once. */
export type Expected = Map<string, number[]>;

export interface OpenArgs {
  gatewayUrl: string;
  /** For catching up over REST after a session had to identify again. */
  baseUrl: string;
  sessions: SessionSpec[];
  concurrency: number;
  /** Baseline only: list the session's channels in IDENTIFY (`bench_channels`), its membership source. */
  announceChannels: boolean;
}

export interface OpenResult {
  opened: number;
  failed: number;
  errors: string[];
}

export interface SendArgs {
  baseUrl: string;
  senders: Array<{ channelId: string; token: string }>;
  /** Messages per second from this worker, spread round-robin over `senders`. */
  ratePerSec: number;
  durationMs: number;
  connections: number;
  contentBytes: number;
}

export interface SendResult {
  offered: number;
  sent: number;
  /** Sends skipped because too many were already outstanding (the server fell behind). */
  shed: number;
  acked: Map<string, number[]>;
  errors: Record<string, number>;
  ackLatency: HistogramData;
}

export interface BurstArgs {
  baseUrl: string;
  senders: Array<{ channelId: string; token: string }>;
  perChannel: number;
  connections: number;
  contentBytes: number;
}

export interface Progress {
  deliveries: number;
  firstDeliveryUs: number;
  lastDeliveryUs: number;
  /** Sessions the server closed so far (each then reconnected, as a client would). */
  closedUnexpectedly: number;
  recoveryFailures: number;
}

export interface VerifyResult {
  deliveries: number;
  missing: number;
  duplicates: number;
  /** Deliveries in a channel the session is not a member of (a confinement breach). */
  unexpected: number;
  /** Deliveries of messages whose send was not acknowledged (an unknown outcome: not an error). */
  unacked: number;
  latency: HistogramData;
  firstDeliveryUs: number;
  lastDeliveryUs: number;
  samples: string[];
}

export interface ReconnectArgs {
  keys: number[];
  gatewayUrl: string;
  baseUrl: string;
  expected: Expected;
}

export interface ReconnectResult {
  resumed: number;
  reidentified: number;
  failed: number;
  /** When the last of this worker's sessions had every expected message (µs since the epoch). */
  lastCaughtUpUs: number;
  notCaughtUp: number;
}

export interface HistoryArgs {
  baseUrl: string;
  token: string;
  channelId: string;
  newestSeq: number;
  pageSize: number;
  concurrency: number;
  durationMs: number;
}

export interface HistoryResult {
  requests: number;
  errors: number;
  latest: HistogramData;
  older: HistogramData;
  elapsedMs: number;
}

export type WorkerCommand =
  | { cmd: 'open'; args: OpenArgs }
  | { cmd: 'closeAll' }
  | { cmd: 'stepBegin' }
  | { cmd: 'send'; args: SendArgs }
  | { cmd: 'burst'; args: BurstArgs }
  | { cmd: 'progress' }
  | { cmd: 'verify'; expected: Expected }
  | { cmd: 'drop'; keys: number[] }
  | { cmd: 'reconnect'; args: ReconnectArgs }
  | { cmd: 'history'; args: HistoryArgs }
  | { cmd: 'exit' };

export interface WorkerRequest {
  id: number;
  command: WorkerCommand;
}

export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
