import fs from 'node:fs';
import path from 'node:path';
import { evaluateTargets } from './targets';
import type { RunResult } from './types';
import { writeReports } from './write';

/**
 * Re-renders a run's markdown and charts from its JSON (after a change to the report code):
 *   node --import tsx bench/report/render.ts bench/results/full.json
 */
const [file] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: render.ts <run.json>');
  process.exit(2);
}
const run = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResult;
run.targets = evaluateTargets(run);
const written = writeReports(run, path.dirname(file), { archive: false });
console.log(`rewrote ${written.markdown}`);
