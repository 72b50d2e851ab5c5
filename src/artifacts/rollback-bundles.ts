/**
 * Rollback bundles: for every phase after the baseline, `rollback/<env>/<phase>/` holds the phases that
 * lead from that phase back to the baseline (src/plan/rollback.ts), rendered like the forward plan, with
 * their own plan.json, apply.sh and PLAN.md. They live outside `<env>/` so that the environment folder
 * holds only its forward phases (what `verify`, `plan` and Argo CD read).
 */
import { rollbackTitle } from '../apply/plan-dir';
import { identityKey } from '../manifest';
import { buildPlanFile, PlanFile } from '../plan/plan-file';
import { planRollback } from '../plan/rollback';
import { EnvironmentRenderer } from '../synth/render';
import { verifyPhases } from '../verify';
import type { EnvironmentOutput } from '../synth';
import { applyScript, outputIdentity } from './apply-script';
import { planMarkdown } from './plan-markdown';

/** Folder of a rollback bundle, relative to the output folder. */
export function rollbackBundlePath(environment: string, fromPhase: string): string {
  return `rollback/${environment}/${fromPhase}`;
}

/**
 * The rollout gate of the first phase waits only for Deployments that the rollback keeps: the new
 * version's may never become ready, which can be the very reason for rolling back.
 */
function keepOnlyKeptRollouts(plan: PlanFile, kept: ReadonlySet<string>): PlanFile {
  const [first, ...rest] = plan.phases;
  const { rollout, ...gates } = first.gates;
  const deployments = (rollout?.deployments ?? []).filter((ref) => kept.has(identityKey(ref)));
  const gated = rollout && deployments.length > 0 ? { ...gates, rollout: { ...rollout, deployments } } : gates;
  return { ...plan, phases: [{ ...first, gates: gated }, ...rest] };
}

/** Every file of the rollback bundles of an environment (`folderOf` names phase folders, as synthesis does). */
export function rollbackBundles(output: EnvironmentOutput, folderOf: (index: number, name: string) => string): ReadonlyMap<string, string> {
  const { environment } = output;
  const renderer = new EnvironmentRenderer(environment);
  const files = new Map<string, string>();
  output.phases.forEach((fromPhase, from) => {
    if (from === 0) return;
    const phases = planRollback(environment, from).map((phase, index) => {
      const rendered = renderer.renderPhase(phase);
      return { phase, path: folderOf(index, phase.name), objects: rendered.flatMap((f) => f.objects), files: rendered };
    });
    const kept = new Set(phases[phases.length - 1].objects.map((o) => identityKey(o)));
    const plan = keepOnlyKeptRollouts(buildPlanFile(environment, phases), kept);
    const root = rollbackBundlePath(environment.name, fromPhase.path);
    const reviewed = phases.map((phase, i) => ({ name: phase.phase.name, path: phase.path, objects: phase.objects, gates: plan.phases[i].gates }));
    const findings = verifyPhases(reviewed);
    if (findings.length > 0) {
      // The planner's state model guarantees this; a finding here is a bug, and no unsafe bundle is written.
      throw new Error(`${root}: the rollback plan is unsafe: ${findings.map((f) => `${f.transition ?? f.phase}: ${f.rule}: ${f.object}: ${f.message}`).join('; ')}`);
    }
    for (const phase of phases) for (const file of phase.files) files.set(`${root}/${phase.path}/${file.name}`, file.yaml);
    files.set(`${root}/plan.json`, `${JSON.stringify(plan, null, 2)}\n`);
    const title = rollbackTitle(environment.name, fromPhase.path);
    files.set(`${root}/apply.sh`, applyScript(plan, outputIdentity({ plan, phases }), title));
    files.set(`${root}/PLAN.md`, planMarkdown(title, `dist/${root}`, reviewed));
  });
  return files;
}
