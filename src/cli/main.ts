/**
 * `phased-rollout` command line: dispatches to one module per command under ./commands, loaded
 * lazily so that a command only pays for what it uses.
 */
import { formatError, UsageError } from './errors';

interface CommandEntry {
  /** Module under ./commands that exports `run(argv): Promise<number>`. */
  readonly module: string;
  /** Arguments and options, as shown by `phased-rollout help`. */
  readonly args: string;
  /** What the command does, in one line. */
  readonly summary: string;
  /** Whether the command is one pass over the input that ends in about a second (run with {@link ONE_PASS_V8_FLAGS}); default false. */
  readonly onePass?: boolean;
}

/**
 * V8 flags for one-pass commands: they run every function over thousands of objects for about a second, and
 * inlining in V8's optimizing compiler costs more compile time than such a run wins back. Measured on 1000
 * services (2 cores): verify 15%, plan 19% and analyze 29% less CPU; synthesis, which runs for seconds, is
 * no faster without it.
 */
const ONE_PASS_V8_FLAGS = '--no-turbo-inlining';
// A V8 that did not know the flag would say so on stderr: a test runs the executable and expects stderr empty.

const COMMANDS: Record<string, CommandEntry> = {
  synth: { module: './commands/synth', args: '--matrix FILE [--out DIR]', summary: 'synthesize a YAML/JSON matrix into phase bundles in DIR (default dist)' },
  verify: { module: './commands/verify', args: 'DIR [-o json] | DIST_ENV --live [--context CTX]', summary: 'prove that no phase of DIR and no transition between its phases drops a request (--live: nor live -> the next phase)', onePass: true },
  analyze: { module: './commands/analyze', args: 'FILES_OR_DIRS... [--analyzer NAME]... [-o json]', summary: 'istioctl-analyze findings for one state', onePass: true },
  plan: { module: './commands/plan', args: 'DIST_ENV [--live [--context CTX]]', summary: 'what each phase changes, why it is safe, and its gates', onePass: true },
  apply: { module: './commands/apply', args: 'DIST_ENV [--from PHASE] [--to PHASE] [--context CTX] [--dry-run] [--timeout SECONDS] [--call-timeout SECONDS] [--take-over-lock]', summary: 'apply the phases in order, passing their gates' },
  rollback: { module: './commands/rollback', args: 'DIST_ENV [--from PHASE] [--context CTX] [--dry-run] [--timeout SECONDS] [--call-timeout SECONDS] [--take-over-lock]', summary: 'back to the baseline from the recorded (or given) phase' },
  promote: { module: './commands/promote', args: 'DIST_ENV --argocd [--app-file FILE] [--context CTX] [--dry-run] [--timeout SECONDS] [--call-timeout SECONDS]', summary: 'point the Argo CD Application at the next phase once the current one holds' },
  status: { module: './commands/status', args: 'DIST_ENV [--context CTX] [-o json]', summary: 'the live phase, drift from its files, the traffic split and the next command (exit 0 in sync, 3 drifted, 4 in progress, 5 unreachable)' },
  schema: { module: './commands/schema', args: 'matrix|plan', summary: 'print the JSON Schema of a matrix file or plan.json (for editors)' },
  simulate: { module: './commands/simulate', args: 'DIST_ENV [--qps 500] [--connections 50] [--duration 20s] [--runs N] [--seed S] [--schedule random|adversarial] [-o json]', summary: 'simulate the release under load, count failed requests' },
};

function help(): string {
  return ['usage: phased-rollout <command> [options]', '', 'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name} ${c.args}\n      ${c.summary}`)].join('\n');
}

/**
 * The V8 flags the executable sets for a command before running it (undefined: V8's defaults). Not set by
 * {@link main}, which also runs inside other processes (tests, tools) whose V8 is not ours to tune.
 */
export function v8FlagsFor(command: string | undefined): string | undefined {
  return command !== undefined && Object.hasOwn(COMMANDS, command) && COMMANDS[command].onePass ? ONE_PASS_V8_FLAGS : undefined;
}

/** Runs the command line and returns the exit code (0 ok, 1 findings or invalid input, 2 unusable usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(help() + '\n');
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`phased-rollout: unknown command "${name}"\n${help()}\n`);
    return 2;
  }
  try {
    // Loaded on use: a command's start-up pays only for the modules it needs.
    const command = await import(entry.module) as { run(argv: string[]): number | Promise<number> };
    return await command.run(rest);
  } catch (error) {
    const { message, exitCode } = formatError(error);
    const usage = error instanceof UsageError ? `\nusage: phased-rollout ${name} ${entry.args}` : '';
    process.stderr.write(`phased-rollout ${name}: ${message}${usage}\n`);
    return exitCode;
  }
}
