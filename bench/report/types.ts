import type { Profile } from '../config';
import type { MachineInfo } from '../machine';
import type { HistoryScenarioResult } from '../scenarios/history';
import type { IdleResult } from '../scenarios/idle';
import type { RampResult } from '../scenarios/rateSteps';
import type { StormResult } from '../scenarios/storm';

/** Everything measured against one server. */
export interface ServerRun {
  server: 'concord' | 'baseline';
  baseUrl: string;
  /** Whether server CPU and RSS could be read (a --target needs --target-pids). */
  measured: boolean;
  setupSeconds: number;
  idle: IdleResult;
  fanout: RampResult;
  dms: RampResult;
  history: HistoryScenarioResult | null;
  /** null when not run (--scenarios without storm). */
  storm: StormResult | null;
  profile: ProfileSummary | null;
  error?: string;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  top: Array<{ function: string; location: string; selfMs: number; selfPercent: number }>;
}

export interface TargetCheck {
  id: string;
  label: string;
  concord: number | null;
  baseline: number | null;
  /** concord / baseline, or the absolute figure for absolute targets. */
  value: number | null;
  limit: number;
  comparison: '<=' | '>=';
  unit: string;
  pass: boolean | null;
  basis: string;
}

export interface RunResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  mode: Profile['mode'];
  command: string;
  machine: MachineInfo;
  pinning: string;
  target: string | null;
  cpuProfiled: boolean;
  profile: Profile;
  baseline: ServerRun | null;
  concord: ServerRun | null;
  targets: TargetCheck[];
  failures: string[];
  ok: boolean;
}
