/**
 * `phased-rollout rollback DIST_ENV [--from PHASE] [--context CTX] [--dry-run] [--timeout SECONDS] [--take-over-lock]`:
 * back to the baseline from the phase the cluster record names (or PHASE), traffic first, removal last.
 */
import { processRuntime, shellQuote } from '../../apply';
import { rollback } from '../../apply/rollback';
import { environmentFolder, parseCommandArgs } from '../errors';
import { CLUSTER_OPTIONS, clusterOptions, LOCK_OPTIONS } from './apply';

/** Runs the command and returns its exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...CLUSTER_OPTIONS, ...LOCK_OPTIONS, from: { type: 'string' } }, true);
  const dir = environmentFolder(positionals);
  const cluster = clusterOptions(values);
  await rollback({
    dir,
    from: values.from,
    ...cluster,
    takeOverLock: values['take-over-lock'] === true,
    resumeCommand: (from) => ['phased-rollout', 'rollback', dir, '--from', from, ...cluster.passThrough].map(shellQuote).join(' '),
  }, processRuntime());
  return 0;
}
