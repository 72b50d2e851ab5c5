/**
 * `phased-rollout` command line: dispatches to one module per command under ./commands, loaded
 * lazily so that a command only pays for what it uses.
 */
import { formatError } from './errors';

interface CommandEntry {
  /** Module under ./commands that exports `run(argv): Promise<number>`. */
  readonly module: string;
  /** One-line usage shown by `phased-rollout help`. */
  readonly usage: string;
}

const COMMANDS: Record<string, CommandEntry> = {
  analyze: { module: './commands/analyze', usage: 'analyze FILES_OR_DIRS... [--analyzer NAME]... [-o json]   istioctl-analyze findings for one state' },
  verify: { module: './commands/verify', usage: 'verify DIR [-o json]   prove that no phase of DIR and no transition between its phases drops a request' },
  synth: { module: './commands/synth', usage: 'synth --matrix FILE [--out DIR]       synthesize a YAML/JSON matrix into phase bundles in DIR (default dist)' },
  apply: { module: './commands/apply', usage: 'apply DIST_ENV [--from PHASE] [--to PHASE] [--context CTX] [--dry-run] [--timeout SECONDS]   apply the phases in order, passing their gates' },
  plan: { module: './commands/plan', usage: 'plan DIST_ENV   what each phase changes, why it is safe, and its gates' },
  simulate: { module: './commands/simulate', usage: 'simulate DIST_ENV [--qps 500] [--connections 50] [--duration 20s] [--runs N] [--seed S] [--schedule random|adversarial] [-o json]   simulate the release under load, count failed requests' },
  promote: { module: './commands/promote', usage: 'promote DIST_ENV --argocd [--app-file FILE] [--context CTX] [--dry-run] [--timeout SECONDS]   point the Argo CD Application at the next phase once the current one holds' },
  rollback: { module: './commands/rollback', usage: 'rollback DIST_ENV [--from PHASE] [--context CTX] [--dry-run] [--timeout SECONDS]   back to the baseline from the recorded (or given) phase' },
};

function help(): string {
  return ['usage: phased-rollout <command> [options]', '', 'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

/** Runs the command line and returns the exit code (0 ok, 1 findings or invalid input, 2 unusable usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`phased-rollout: unknown command "${name}"\n${help()}\n`);
    return 2;
  }
  try {
    const command = require(entry.module) as { run(argv: string[]): Promise<number> };
    return await command.run(rest);
  } catch (error) {
    const { message, exitCode } = formatError(error);
    process.stderr.write(`phased-rollout ${name}: ${message}\n`);
    return exitCode;
  }
}
