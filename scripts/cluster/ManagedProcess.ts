import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

export interface ProcessSpec {
  /** Shown before each of its output lines ("node1 | …"). */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Its stdout and stderr are also appended here. */
  logFile: string;
}

/** How a process ended: its exit code, or the signal that ended it. */
export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/**
 * One child of the cluster: its output goes to the terminal, each line prefixed with its name, and to
 * its log file. `stop` asks with a signal, then kills it when it does not end within the grace period.
 */
export class ManagedProcess {
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private ended = false;

  constructor(private readonly spec: ProcessSpec) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    // Its own process group: Ctrl-C in the terminal reaches only the script, which stops the children
    // in order (nodes drain first) instead of every process at once.
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // Should the script itself end abruptly (an exception, process.exit), no child outlives it.
    process.once('exit', () => this.kill());
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.ended = true;
        resolve({ code, signal });
      });
      // A command that cannot be spawned at all reports here instead of 'exit'.
      this.child.once('error', (error) => {
        this.line(`could not start: ${error.message}`);
        this.ended = true;
        resolve({ code: 127, signal: null });
      });
    });
    this.follow(this.child.stdout);
    this.follow(this.child.stderr);
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.ended) this.child.kill(signal);
  }

  /**
   * SIGKILL to its whole process group, which it leads (spawned detached): nginx's workers outlive a
   * killed master otherwise, holding the port. Only processes this script started are in that group.
   */
  kill(): void {
    // Once it has exited, its pid (and so the group id) may belong to someone else.
    if (this.ended || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }

  /** Sends `signal`, waits up to `graceMs` for the process to end, then SIGKILLs it. */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<ExitStatus> {
    this.signal(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const first = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (first === 'late') {
      this.line(`did not stop within ${graceMs} ms of ${signal}; killing it`);
      this.kill();
    }
    const status = await this.exited;
    await new Promise<void>((resolve) => this.log.end(resolve));
    return status;
  }

  private follow(stream: Readable | null): void {
    if (stream === null) return;
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (text) => this.line(text));
  }

  private line(text: string): void {
    process.stdout.write(`${this.spec.name.padEnd(6)}| ${text}\n`);
    if (!this.log.writableEnded) this.log.write(`${text}\n`);
  }
}
