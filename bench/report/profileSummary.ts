import fs from 'node:fs';
import path from 'node:path';
import type { ProfileSummary } from './types';

interface CpuProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * The hottest functions of a V8 CPU profile (`node --cpu-prof`) by self time, with file:line, so a
 * run's note can say what limits the server without opening a flame graph viewer. (The same
 * `.cpuprofile` file opens in Chrome DevTools or speedscope as a flame graph.)
 */
export function summarizeProfile(file: string, limit = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    // V8 attributes each delta to the *next* sample; the difference is negligible at this scale.
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const byFunction = new Map<string, { function: string; location: string; selfUs: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const frame = node.callFrame;
    const location = locate(frame);
    const key = `${frame.functionName}@${location}`;
    const entry = byFunction.get(key) ?? { function: frame.functionName || '(anonymous)', location, selfUs: 0 };
    entry.selfUs += us;
    byFunction.set(key, entry);
  }
  const top = [...byFunction.values()]
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, limit)
    .map((e) => ({
      function: e.function,
      location: e.location,
      selfMs: Math.round(e.selfUs / 100) / 10,
      selfPercent: total === 0 ? 0 : Math.round((e.selfUs / total) * 1000) / 10,
    }));
  return { file, totalMs: Math.round(total / 1000), top };
}

/** Sums self time per source file (and per package in node_modules): which layer costs what. */
export function summarizeByFile(file: string, limit = 20): Array<{ file: string; selfPercent: number }> {
  const summary = summarizeProfile(file, Number.MAX_SAFE_INTEGER);
  const byFile = new Map<string, number>();
  for (const entry of summary.top) {
    const source = entry.location.replace(/:\d+$/, '');
    byFile.set(source, (byFile.get(source) ?? 0) + entry.selfPercent);
  }
  return [...byFile.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([source, selfPercent]) => ({ file: source, selfPercent: Math.round(selfPercent * 10) / 10 }));
}

/**
 * Inclusive time (self + callees) of the functions whose file matches `filter`: which of our own
 * functions the time is spent under, whatever library does the work at the bottom of the stack.
 * Recursion is counted once per stack.
 */
export function inclusiveTop(
  file: string,
  filter: string,
  limit = 25,
): Array<{ function: string; location: string; percent: number }> {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = (node: CpuProfileNode) => `${node.callFrame.functionName || '(anonymous)'}@${locate(node.callFrame)}`;
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const leaf = nodes.get(id);
    if (leaf === undefined || leaf.callFrame.functionName === '(idle)') continue;
    total += us;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = nodes.get(at);
      if (node === undefined || !node.callFrame.url.includes(filter)) continue;
      const key = keyOf(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  return [...inclusive.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [fn, location] = key.split('@') as [string, string];
      return { function: fn, location, percent: total === 0 ? 0 : Math.round((us / total) * 1000) / 10 };
    });
}

/**
 * `file:line` of a frame. Code loaded through tsx is profiled at its transformed positions, which
 * are not the source's, so for our own .ts files the line is found by looking for the function's
 * definition in the source (an anonymous function's line is unknown: `:?`).
 */
function locate(frame: CpuProfileNode['callFrame']): string {
  if (frame.url === '') return '(native)';
  const file = shorten(frame.url);
  if (!file.endsWith('.ts')) return `${file}:${frame.lineNumber + 1}`;
  const line =
    frame.functionName === '' ? undefined : definitionLine(frame.url.replace(/^file:\/\//, ''), frame.functionName);
  return `${file}:${line ?? '?'}`;
}

const sources = new Map<string, string[]>();

function definitionLine(file: string, name: string): number | undefined {
  let lines = sources.get(file);
  if (lines === undefined) {
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = [];
    }
    sources.set(file, lines);
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const definition = new RegExp(
    `(function\\s+${escaped}\\b|^\\s*(?:(?:private|public|protected|static|async|readonly|override|get|set)\\s+)*${escaped}\\s*[(<=]|\\b${escaped}\\s*=\\s*(?:async\\s*)?\\()`,
  );
  const at = lines.findIndex((line) => definition.test(line));
  return at < 0 ? undefined : at + 1;
}

function shorten(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const modules = clean.lastIndexOf('/node_modules/');
  if (modules >= 0) return clean.slice(modules + 1);
  const root = path.resolve(import.meta.dirname, '../..');
  return clean.startsWith(root) ? clean.slice(root.length + 1) : clean;
}

// CLI: node --import tsx bench/report/profileSummary.ts <file.cpuprofile> [limit]
if (process.argv[1] !== undefined && import.meta.filename === path.resolve(process.argv[1])) {
  const [file, limit] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: profileSummary.ts <file.cpuprofile> [limit]');
    process.exit(2);
  }
  const summary = summarizeProfile(file, Number(limit ?? 30));
  console.log(`${summary.file}: ${summary.totalMs} ms sampled`);
  for (const e of summary.top)
    console.log(
      `${e.selfPercent.toFixed(1).padStart(5)} %  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.function}  ${e.location}`,
    );
  console.log('\nby file:');
  for (const e of summarizeByFile(file)) console.log(`${e.selfPercent.toFixed(1).padStart(5)} %  ${e.file}`);
  console.log("\ninclusive time (% of busy samples) under the server's own functions:");
  for (const e of inclusiveTop(file, 'packages/server/', 40))
    console.log(`${e.percent.toFixed(1).padStart(5)} %  ${e.function}  ${e.location}`);
}
