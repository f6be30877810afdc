import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { loadAverage } from './procStats';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  openFilesLimit: string;
  /** Whether `taskset` exists and the machine has a second CPU to put the load generator on. */
  pinning: boolean;
  /** 1-minute load average when the run started (0–0.3 on an otherwise idle machine). */
  loadAverageAtStart: number;
}

export function describeMachine(): MachineInfo {
  const cpuinfo = safeRead('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const cpus = os.availableParallelism();
  return {
    cpus,
    cpuModel: model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
    openFilesLimit: openFilesLimit(),
    pinning: cpus >= 2 && hasTaskset(),
    loadAverageAtStart: loadAverage(),
  };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openFilesLimit(): string {
  const limits = safeRead('/proc/self/limits');
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  return match === null ? 'unknown' : `${match[1]} soft / ${match[2]} hard`;
}

/** Moves a running process (all its threads) to one CPU; false when that is not possible. */
export function pinProcess(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
