import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureServerBuild, SERVER_NODE_ARGS } from '../../scripts/build';

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | string | null>;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Runs what `npm start` runs (the built server bundle, rebuilt first if stale) as a separate OS
 * process (so it can be SIGKILLed), on an ephemeral port, and waits for the line that says where
 * it listens.
 */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  await ensureServerBuild();
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CONCORD_PORT: '0',
      CONCORD_HOST: '127.0.0.1',
      CONCORD_DATA_DIR: dataDir,
      CONCORD_LOG_LEVEL: 'warn',
      CONCORD_RATE_LIMITS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in time: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Concord is running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening: ${stderr}`));
    });
  });
  return { child, baseUrl, exited };
}
