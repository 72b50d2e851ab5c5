/**
 * `phased-rollout plan DIST_ENV`: per phase, what changes and why it is safe, like a terraform plan,
 * then the steps of each rollback, then the verifier's verdict on both. Exit 0 when the verifier finds
 * nothing, 1 otherwise. With `--live [--context CTX]`, then the live check apply runs before the next phase
 * (exit 1 when apply would stop).
 */
import { formatReview, reviewPhases, reviewRollbacks } from '../../plan/review';
import { loadPhases, verifyEnvironment } from '../../verify';
import { counted } from '../../format';
import { environmentFolder, parseCommandArgs } from '../errors';
import { checkLiveOptions, liveCheck, LIVE_OPTIONS, NO_PLAN_NOTE } from './verify';

/** Runs the command and returns its exit code. */
export function run(argv: string[]): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, LIVE_OPTIONS, true);
  const dir = environmentFolder(positionals);
  checkLiveOptions(values);
  const { environment, phases, plan, rollbacks, planned } = loadPhases(dir);
  const findings = verifyEnvironment(phases, rollbacks);
  process.stdout.write(formatReview(environment, reviewPhases(phases), findings, reviewRollbacks(plan?.rollbacks)));
  process.stdout.write(findings.length === 0
    ? `\nverified: no phase and no transition drops a request (phased-rollout verify ${dir})\n`
    : `\nNOT SAFE: ${counted(findings.length, 'finding')}; phased-rollout verify ${dir} explains each and its fix\n`);
  if (!planned && findings.length === 0) process.stdout.write(`${NO_PLAN_NOTE}\n`);
  const code = findings.length === 0 ? 0 : 1;
  return values.live === true ? liveCheck(dir, values).then((live) => Math.max(code, live)) : code;
}
