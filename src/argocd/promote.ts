/**
 * Promotion with Argo CD (GitOps): once the phase an environment's Application syncs is live (the
 * Application Synced and Healthy at that path) and its gates hold, move the Application file's
 * `spec.source.path` to the next phase. The file is edited, not the live object: committing and pushing
 * it is the promotion, so Git stays the source of truth (an app-of-apps or `kubectl apply` delivers it).
 */
import { accessSync, constants, renameSync, writeFileSync } from 'node:fs';
import { ApplyFailure } from '../apply/engine';
import { readApplicationFile } from './application-file';
import { REQUEST_TIMEOUT } from '../apply/kubectl';
import { checkLive } from '../apply/live';
import { PlanDirectory } from '../apply/plan-dir';
import { ApplyRuntime, ClusterSession, FailureHandler, SessionOptions } from '../apply/session';
import { gateActions } from '../apply/steps';
import { errorCode } from '../format';
import { InputError, readTextFile } from '../manifest';

/** What to promote. */
export interface PromoteOptions extends SessionOptions {
  /** The environment's plan folder. */
  readonly planDir: PlanDirectory;
  /** The Application file to edit (`dist/argocd/<env>.yaml`). */
  readonly appFile: string;
  /** Where dist/ is in the repository, as synthesis wrote it into the file (PHASED_ROLLOUT_ARGOCD_DIST_PATH). */
  readonly distPath: string;
}

/** jsonpath printing what promotion checks of the live Application: `path|sync|health`. */
export const APPLICATION_JSONPATH = 'jsonpath={.spec.source.path}|{.status.sync.status}|{.status.health.status}';

/**
 * Checks the live Application and the current phase's gates, then points the file at the next phase; at the
 * last phase, the same checks say whether the release is complete.
 */
export async function promote(options: PromoteOptions, runtime: ApplyRuntime): Promise<void> {
  const { plan } = options.planDir;
  const file = options.appFile;
  const text = readTextFile(file);
  // Before any wait: a file that cannot be written would fail only once every gate had passed.
  if (!options.dryRun) {
    try {
      accessSync(file, constants.W_OK);
    } catch (error) {
      throw new InputError(`${file}: cannot write: ${errorCode(error)}`);
    }
  }
  const { doc, path, name, namespace } = readApplicationFile(text, file);

  const folder = `${options.distPath}/${plan.environment}`;
  const index = plan.phases.findIndex((p) => path === `${folder}/${p.path}`);
  if (index < 0) {
    throw new InputError(`${file}: spec.source.path ${path} is not a phase folder of ${plan.environment}: expected ${folder}/ and one of ` +
      `${plan.phases.map((p) => p.path).join(', ')} (dist/ as PHASED_ROLLOUT_ARGOCD_DIST_PATH names it, default dist)`);
  }
  const phase = plan.phases[index];
  const last = index === plan.phases.length - 1;
  const next = last ? undefined : `${folder}/${plan.phases[index + 1].path}`;
  const fail: FailureHandler = (what, command, result) => {
    throw new ApplyFailure(`${name}: phase ${phase.path} is not ready to promote: ${what} failed (exit ${result.code}): ${command}\n  ${result.stderr.trim()}\ntry again when it holds`);
  };

  const session = new ClusterSession(runtime, options);
  const live = await session.read([REQUEST_TIMEOUT, 'get', 'application', name, '-n', namespace, '-o', APPLICATION_JSONPATH]);
  if (live.code !== 0) throw new ApplyFailure(`cannot read Application ${namespace}/${name} (exit ${live.code}): ${live.stderr.trim()}`);
  const [livePath, sync, health] = live.stdout.trim().split('|');
  if (livePath !== path) {
    throw new ApplyFailure(`${name}: the live Application syncs ${livePath || 'nothing'} but ${file} says ${path}: ` +
      'push the file and let Argo CD sync it first (promote moves one phase at a time and never skips one)');
  }
  if (sync !== 'Synced' || health !== 'Healthy') {
    throw new ApplyFailure(`${name}: ${phase.path} is not Synced and Healthy yet (sync: ${sync || 'unknown'}, health: ${health || 'unknown'}); try again when it is`);
  }
  if (next !== undefined) {
    // Before the gates' waits: the cluster must hold the phase Argo CD synced, and live -> the next phase be safe.
    await checkLive(session, options.planDir, {
      where: `${name}: promote to ${plan.phases[index + 1].path}`,
      previous: phase.path,
      next: plan.phases[index + 1].path,
      resume: `phased-rollout promote ${options.planDir.dir} --argocd`,
    }, runtime.print, runtime.now);
  }
  runtime.print(`${name}: ${phase.path} is Synced and Healthy; checking its gates`);
  for (const gate of gateActions(phase.gates)) await session.passGate(gate, fail);
  if (next === undefined) {
    runtime.print(`${name}: ${phase.path}, the last phase, is Synced and Healthy and its gates hold: the release is complete`);
    return;
  }
  if (session.dryRun) {
    runtime.print(`would set spec.source.path of ${file}: ${path} -> ${next}`);
    return;
  }
  // The gates can take minutes: an edit made meanwhile is not overwritten.
  if (readTextFile(file) !== text) throw new ApplyFailure(`${file} changed while the gates were checked; nothing was written: run promote again`);
  doc.setIn(['spec', 'source', 'path'], next);
  const written = `${file}.promote-${process.pid}`;
  writeFileSync(written, doc.toString());
  renameSync(written, file);
  runtime.print(`${name}: promoted ${path} -> ${next} in ${file}; commit and push it to let Argo CD sync ${plan.phases[index + 1].path}`);
}
