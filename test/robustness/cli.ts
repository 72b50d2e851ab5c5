/** Running the real `phased-rollout` command line from tests, several processes at a time. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
/** The CLI as users run it (it runs the compiled lib/: `npm test` builds it first). */
export const CLI = join(ROOT, 'bin/phased-rollout');

/** What a process did. */
export interface CliResult {
  /** Exit code, or null when a signal ended it. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `phased-rollout ...args` to its end. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** `work` for every item, `parallel` at a time (processes are the slow part on a 2-core machine). */
export async function forEachParallel<T>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** A stack trace line, which no error output may contain. */
export const STACK_LINE = /\n\s+at /;
