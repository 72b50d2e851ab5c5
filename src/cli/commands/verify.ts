/** `phased-rollout verify DIR [-o json]`: exit 0 when every phase and transition is safe, 1 with findings, 2 on unusable input. */
import { loadPhases, SafetyFinding, verifyEnvironment } from '../../verify';
import { environmentFolder, outputFormat, parseCommandArgs } from '../errors';
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

/** Runs the command and returns its exit code. */
export function run(argv: string[]): number {
  const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' } }, true);
  const dir = environmentFolder(positionals);
  const output = outputFormat(values.output);

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
