import fs from 'node:fs';
import path from 'node:path';
import { chartsOf } from './charts';
import { markdownSummary } from './markdown';
import type { RunResult } from './types';

/**
 * Writes a run into `outDir`: `<mode>.json` (everything measured), `<mode>.md` (the summary) and
 * `<mode>-{latency,throughput,rss}.svg`, replacing the previous run of that mode; the JSON is also
 * archived under `runs/` with its timestamp, so earlier runs stay comparable.
 */
export function writeReports(
  run: RunResult,
  outDir: string,
  options: { archive: boolean } = { archive: true },
): { json: string; markdown: string } {
  fs.mkdirSync(path.join(outDir, 'runs'), { recursive: true });
  const base = run.mode;
  const json = path.join(outDir, `${base}.json`);
  const text = JSON.stringify(run, null, 1);
  fs.writeFileSync(json, text);
  if (options.archive) {
    fs.writeFileSync(path.join(outDir, 'runs', `${run.startedAt.replace(/[:.]/g, '-')}-${base}.json`), text);
  }
  const charts = chartsOf(run);
  const names = { latency: `${base}-latency.svg`, throughput: `${base}-throughput.svg`, rss: `${base}-rss.svg` };
  for (const [kind, svg] of Object.entries(charts))
    fs.writeFileSync(path.join(outDir, names[kind as keyof typeof names]), svg);
  const markdown = path.join(outDir, `${base}.md`);
  fs.writeFileSync(markdown, markdownSummary(run, names));
  return { json, markdown };
}
