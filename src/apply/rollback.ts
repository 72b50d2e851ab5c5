/**
 * Running a rollback bundle (dist/rollback/<env>/<phase>/) with the apply engine: the bundle of the
 * phase the cluster record names (or the one given), resumed when the record is the bundle's own.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { applyPlan, ApplyFailure } from './engine';
import { findPhase, readPlanDirectory } from './plan-dir';
import { parseRecordLine, RECORD_JSONPATH, recordName } from './record';
import { ApplyRuntime, ClusterSession, SessionOptions } from './session';

/** What to roll back. */
export interface RollbackOptions extends SessionOptions {
  /** The environment folder (`dist/production`); its bundles are in `dist/rollback/production/`. */
  readonly dir: string;
  /** Forward phase the cluster is at (folder or name); default: from the cluster record. */
  readonly from?: string;
  /** The command that resumes the rollback of a bundle (printed on failure). */
  readonly resumeCommand: (bundle: string) => string;
}

/** Folder holding the rollback bundles of an environment folder. */
export function rollbackBundlesDir(dir: string): string {
  return join(dirname(dir), 'rollback', basename(dir));
}

/** Rolls the environment back to its baseline from the recorded (or given) phase. */
export async function rollback(options: RollbackOptions, runtime: ApplyRuntime): Promise<void> {
  const forward = readPlanDirectory(options.dir);
  const { plan } = forward;
  const bundles = rollbackBundlesDir(options.dir);
  const session = new ClusterSession(runtime, options);
  const read = await session.read(['get', 'configmap', recordName(plan.environment), '-n', plan.namespace, '--ignore-not-found', '-o', RECORD_JSONPATH]);
  if (read.code !== 0) throw new ApplyFailure(`cannot read the resume record (exit ${read.code}): ${read.stderr.trim()}`);
  const record = parseRecordLine(read.stdout);

  let from: string;
  if (options.from !== undefined) {
    from = findPhase(plan, options.from, '--from').path;
  } else if (!record) {
    throw new ApplyFailure(`${plan.environment}: the cluster has no phased-rollout record: pass --from PHASE, the phase the environment is at`);
  } else if (record.plan === forward.identity) {
    from = record.applying || record.completed;
  } else {
    const own = existsSync(bundles) ? readdirSync(bundles).find((b) => readPlanDirectory(join(bundles, b)).identity === record.plan) : undefined;
    if (own === undefined) {
      throw new ApplyFailure(`${plan.environment}: the cluster record names plan ${record.plan}, which is neither ${options.dir} nor one of its rollback bundles: pass --from PHASE`);
    }
    from = own;
  }
  if (from === '' || from === plan.phases[0].path) {
    runtime.print(`${plan.environment}: at the baseline (${plan.phases[0].path}); nothing to roll back`);
    return;
  }
  const bundle = readPlanDirectory(join(bundles, from));
  runtime.print(`${plan.environment}: rolling back from ${from} with ${bundle.dir}`);
  await applyPlan({
    ...options,
    planDir: bundle,
    // A run of this bundle stopped part-way resumes; otherwise the bundle starts at its first phase,
    // whatever the forward plan's record says.
    from: record?.plan === bundle.identity ? undefined : bundle.plan.phases[0].path,
    resumeCommand: () => options.resumeCommand(from),
  }, runtime);
}
