import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import type { RunResult, TargetCheck } from './types';

const START = '<!-- bench:start (written by npm run bench; edit bench/report/readme.ts instead) -->';
const END = '<!-- bench:end -->';

/**
 * Puts a run's summary into README.md between the bench markers: the machine, the targets table
 * and the latency chart. A full run into bench/results does this by itself, so the README always
 * shows the latest full run. The text around the markers (what limits Concord) is written by hand.
 */
export async function updateReadme(run: RunResult, readmeFile: string, resultsDir: string): Promise<boolean> {
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) return false;
  const rel = path.relative(path.dirname(readmeFile), resultsDir).split(path.sep).join('/');
  const block = [START, '', ...summaryLines(run, rel), '', END].join('\n');
  const next = readme.slice(0, from) + block + readme.slice(to + END.length);
  const options = (await prettier.resolveConfig(readmeFile)) ?? {};
  fs.writeFileSync(readmeFile, await prettier.format(next, { ...options, filepath: readmeFile }));
  return true;
}

function summaryLines(run: RunResult, rel: string): string[] {
  const m = run.machine;
  const lines = [
    `Latest ${run.mode} run, ${run.startedAt.slice(0, 10)}, on ${m.cpus} CPUs (\`nproc\` ${m.cpus}, ${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}; ${run.pinning}. ` +
      `Load average ${m.loadAverageAtStart.toFixed(2)} when it started` +
      (m.loadAverageAtStart > 1
        ? ': the machine was shared with other work, so throughput and latency are rough; CPU per delivery and RSS hold up best.'
        : '.'),
    '',
    '| target | Concord | baseline | Concord ÷ baseline | goal | met |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
    ...run.targets.map(row),
    '',
    `![latency against offered load](${rel}/${run.mode}-latency.svg)`,
    '',
    `Every step, the idle, history and storm figures: [${rel}/${run.mode}.md](${rel}/${run.mode}.md)` +
      (run.ok ? '.' : ` (**that run failed a correctness check**: ${run.failures.join('; ')}).`),
  ];
  return lines;
}

function row(t: TargetCheck): string {
  const num = (v: number | null) =>
    v === null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: v < 100 ? 2 : 0 });
  const absolute = t.baseline === null && t.id.startsWith('history');
  const goal = `${t.comparison === '<=' ? '≤' : '≥'} ${t.limit}${absolute ? ` ${t.unit}` : '×'}`;
  const met = t.pass === null ? '?' : t.pass ? 'yes' : '**no**';
  return `| ${t.label} | ${num(t.concord)} ${t.unit} | ${absolute ? 'n/a' : `${num(t.baseline)} ${t.unit}`} | ${absolute || t.value === null ? '' : `${num(t.value)}×`} | ${goal} | ${met} |`;
}

// CLI: node --import tsx bench/report/readme.ts bench/results/full.json
if (process.argv[1] !== undefined && import.meta.filename === path.resolve(process.argv[1])) {
  const [file] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: readme.ts <run.json>');
    process.exit(2);
  }
  const run = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResult;
  const readme = path.resolve(import.meta.dirname, '../../README.md');
  void updateReadme(run, readme, path.dirname(path.resolve(file))).then((done) => {
    console.log(done ? `updated ${readme}` : `no bench markers in ${readme}`);
  });
}
