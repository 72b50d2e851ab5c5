/** Running `phased-rollout` commands in-process in tests, as `main()` runs them. */
import { formatError } from '../src/cli/errors';

/** A command's exit code and, when it threw, the message main() would print. */
export interface CommandOutcome {
  /** Exit code. */
  readonly code: number;
  /** The error message, when the command failed with an error. */
  readonly error?: string;
}

/** Runs a command module's `run(argv)`; a thrown error becomes its exit code and message, as in main(). */
export async function runLikeMain(run: (argv: string[]) => number | Promise<number>, argv: string[]): Promise<CommandOutcome> {
  try {
    return { code: await run(argv) };
  } catch (error) {
    const { exitCode, message } = formatError(error);
    return { code: exitCode, error: message };
  }
}

/**
 * Captures what each test of the enclosing `describe` (or file) writes to stdout; returns a getter
 * for the text written so far in the current test, with `reset()` to start over within a test.
 */
export function captureStdout(): (() => string) & { reset(): void } {
  let text = '';
  beforeEach(() => {
    text = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += chunk.toString();
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());
  return Object.assign(() => text, { reset: () => { text = ''; } });
}
