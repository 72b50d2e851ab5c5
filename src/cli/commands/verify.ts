/**
 * `phased-rollout verify DIR [-o json]`: exit 0 when every phase and transition is safe, 1 with findings, 2 on
 * unusable input. `verify DIST_ENV --live [--context CTX]`: the live check apply runs before the next phase.
 */
import { ClusterSession, processRuntime, readPlanDirectory, shellQuote } from '../../apply';
import { verifyLive } from '../../apply/status';
import { loadPhases, SafetyFinding, verifyEnvironment } from '../../verify';
import { environmentFolder, outputFormat, parseCommandArgs, UsageError } from '../errors';
import { counted } from '../../format';

function formatFinding(finding: SafetyFinding): string {
  return [
    `${finding.rollback ? `rollback from ${finding.rollback}: ` : ''}${finding.transition ?? finding.phase}: ${finding.rule}`,
    `  object:  ${finding.object}`,
    `  problem: ${finding.message}`,
    `  fix:     ${finding.fix}`,
  ].join('\n');
}

/**
 * Said after a clean verdict on folders without plan.json: the gate rules read plan.json's gates, so the proof
 * covers the states and their order, not the waits between them that a pipeline must also keep.
 */
export const NO_PLAN_NOTE = 'no plan.json: the gate rules (rollout, propagation, drain before a removal) were not checked, ' +
  'and nothing tells a pipeline what to wait for between phases; write plan.json beside the phase folders (docs/plan-file.md)';

/** Options of `verify --live` and `plan --live`. */
export const LIVE_OPTIONS = {
  live: { type: 'boolean' },
  context: { type: 'string' },
} as const;

/**
 * The live check of `--live` (src/apply/status.ts): prints what it found and returns 0, or throws apply's
 * message (exit 1). `--context` without `--live` is a usage error.
 */
export async function liveCheck(dir: string, values: { readonly live?: boolean; readonly context?: string }): Promise<number> {
  const context = values.context === undefined ? [] : ['--context', values.context];
  const session = new ClusterSession(processRuntime(), { context: values.context });
  const resume = (phase: string) => ['phased-rollout', 'apply', dir, '--from', phase, ...context].map(shellQuote).join(' ');
  process.stdout.write(`${await verifyLive(session, readPlanDirectory(dir), resume)}\n`);
  return 0;
}

/** `--context` only with `--live`. */
export function checkLiveOptions(values: { readonly live?: boolean; readonly context?: string }): void {
  if (values.context !== undefined && values.live !== true) throw new UsageError('--context applies only with --live (the check of the cluster)');
}

/** Runs the command and returns its exit code. */
export function run(argv: string[]): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' }, ...LIVE_OPTIONS }, true);
  const dir = environmentFolder(positionals);
  const output = outputFormat(values.output);
  checkLiveOptions(values);
  if (values.live === true) {
    if (values.output !== undefined) throw new UsageError('-o does not apply to --live (its report is one line, or apply\'s message)');
    return liveCheck(dir, values);
  }

  const { environment, phases, rollbacks, planned } = loadPhases(dir);
  const findings = verifyEnvironment(phases, rollbacks);
  const transitions = phases.length - 1;
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify({ environment, phases: phases.length, transitions, findings }, null, 2)}\n`);
  } else {
    for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n\n`);
    const counts = [counted(phases.length, 'phase'), counted(transitions, 'transition'), counted(findings.length, 'finding')];
    process.stdout.write(`${environment}: ${counts.join(', ')}\n`);
    if (!planned && findings.length === 0) process.stdout.write(`${NO_PLAN_NOTE}\n`);
  }
  return findings.length === 0 ? 0 : 1;
}
