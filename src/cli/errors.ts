/** Errors the command line turns into a message and an exit code instead of a stack trace. */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { InputError } from '../manifest';

/** Wrong command-line usage: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Errors that carry a complete user-facing message and their exit code. Any other error is a bug:
 * it is still reported without a stack trace, unless PHASED_ROLLOUT_DEBUG is set.
 */
export function formatError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError || error instanceof InputError) return { message: error.message, exitCode: 2 };
  if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
    return { message: error.message, exitCode: error.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.PHASED_ROLLOUT_DEBUG && error instanceof Error) return { message: error.stack ?? message, exitCode: 1 };
  return { message: `internal error: ${message}`, exitCode: 1 };
}

/** The options a command declares for {@link parseCommandArgs}. */
type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs returns for a command's options: each value typed by its declaration. */
export type ParsedCommandArgs<T extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>>;

/** node:util parseArgs, strict, with its errors turned into UsageError; the values are typed by the declared options. */
export function parseCommandArgs<const T extends CommandOptions>(argv: string[], options: T, allowPositionals = false): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The report format `-o` asks for (`text` when absent), or a UsageError. */
export function outputFormat(value: string | undefined): 'text' | 'json' {
  const output = value ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`-o must be text or json, not "${output}"`);
  return output;
}

/** The one environment folder a command takes (`dist/production`), or a UsageError. */
export function environmentFolder(positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError('expected one environment folder, e.g. dist/production');
  return positionals[0];
}
