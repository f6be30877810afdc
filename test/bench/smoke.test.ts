import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../bench/report/types';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The only benchmark code `npm test` runs: the harness itself in its smallest configuration (both
 * servers, one step of each scenario), to prove it still drives Concord and the baseline end to end
 * and writes sane results. The figures themselves are meaningless at this size.
 */
describe('benchmark harness (smoke)', () => {
  it('runs every scenario against both servers and writes JSON, markdown and SVG charts', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-smoke-'));
    try {
      await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/run.ts'), '--smoke', '--out', out], {
        cwd: repoRoot,
        timeout: 110_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const result = JSON.parse(fs.readFileSync(path.join(out, 'smoke.json'), 'utf8')) as RunResult;
      expect(result.ok, result.failures.join('; ')).toBe(true);
      for (const server of [result.baseline, result.concord]) {
        expect(server).not.toBeNull();
        if (server === null) continue;
        expect(server.idle.opened).toBe(result.profile.idleSessions);
        expect(server.idle.rssPerSessionBytes).not.toBeNull();
        for (const ramp of [server.fanout, server.dms]) {
          const [step] = ramp.steps;
          expect(step).toBeDefined();
          if (step === undefined) continue;
          expect(step.correctnessFailure).toBe(false);
          expect(step.acked).toBeGreaterThan(0);
          // Every acknowledged message reached every member, once.
          expect(step.deliveries).toBe(step.acked * ramp.recipientsPerMessage);
          expect(step.latency.p50Ms).toBeGreaterThan(0);
          expect(step.latency.p99Ms).toBeLessThan(10_000);
          // Read from /proc in 10 ms clock ticks: a half-second step at smoke rates may use less than one.
          expect(step.serverCpuSeconds).toBeGreaterThanOrEqual(0);
        }
        const storm = server.storm;
        expect(storm).not.toBeNull();
        expect(storm?.sessions).toBe(result.profile.stormSessions);
        expect((storm?.resumed ?? 0) + (storm?.reidentified ?? 0)).toBe(storm?.sessions);
        expect(storm?.catchUpMs).toBeGreaterThanOrEqual(0);
      }
      // The CPU readings do follow the server: Concord's IDENTIFYs alone take several clock ticks.
      expect(result.concord?.idle.cpuMsPerIdentify ?? 0).toBeGreaterThan(0);
      const history = result.concord?.history;
      expect(history?.single.errors).toBe(0);
      expect(history?.single.latest.count).toBeGreaterThan(0);
      expect(result.targets.map((t) => t.id)).toContain('fanout-cpu');
      const markdown = fs.readFileSync(path.join(out, 'smoke.md'), 'utf8');
      expect(markdown).toContain('## Targets');
      for (const chart of ['latency', 'throughput', 'rss']) {
        expect(fs.readFileSync(path.join(out, `smoke-${chart}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
