/**
 * `phased-rollout plan DIST_ENV`: per phase, what changes and why it is safe, like a terraform plan,
 * then the steps of each rollback, then the verifier's verdict on both. Exit 0 when the verifier finds
 * nothing, 1 otherwise.
 */
import { formatReview, reviewPhases, reviewRollbacks } from '../../plan/review';
import { loadPhases, verifyEnvironment } from '../../verify';
import { counted } from '../../format';
import { environmentFolder, parseCommandArgs } from '../errors';
import { NO_PLAN_NOTE } from './verify';

/** Runs the command and returns its exit code. */
export function run(argv: string[]): number {
  const { positionals } = parseCommandArgs(argv, {}, true);
  const dir = environmentFolder(positionals);
  const { environment, phases, plan, rollbacks, planned } = loadPhases(dir);
  const findings = verifyEnvironment(phases, rollbacks);
  process.stdout.write(formatReview(environment, reviewPhases(phases), findings, reviewRollbacks(plan?.rollbacks)));
  process.stdout.write(findings.length === 0
    ? `\nverified: no phase and no transition drops a request (phased-rollout verify ${dir})\n`
    : `\nNOT SAFE: ${counted(findings.length, 'finding')}; phased-rollout verify ${dir} explains each and its fix\n`);
  if (!planned && findings.length === 0) process.stdout.write(`${NO_PLAN_NOTE}\n`);
  return findings.length === 0 ? 0 : 1;
}
