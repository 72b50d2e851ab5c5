/**
 * One environment synthesized in memory: its plan's phases rendered, and its plan.json contents. The
 * artifacts (apply.sh, PLAN.md, the Argo CD Application) are derived from this, below the synthesis that
 * collects them.
 */
import { Environment } from '../matrix/model';
import { buildPlanFile, PlanFile, RenderedPhase } from '../plan/plan-file';
import { planEnvironment } from '../plan/planner';
import { EnvironmentRenderer, RenderedFile, RenderExtensions } from './render';

/** `NN-name`: the folder of the phase at `index`. */
export function phaseFolder(index: number, name: string): string {
  return `${String(index).padStart(2, '0')}-${name}`;
}

/** Everything synthesized for one environment, before it is written. */
export interface EnvironmentOutput {
  /** The environment. */
  readonly environment: Environment;
  /** Its phases with their rendered objects, in apply order. */
  readonly phases: readonly (RenderedPhase & { readonly files: readonly RenderedFile[] })[];
  /** Its plan.json contents. */
  readonly plan: PlanFile;
}

/**
 * Derives further files from an environment's output (paths relative to the output folder).
 * Each artifact is one entry of ARTIFACTS (src/synth/index.ts).
 */
export type Artifact = (output: EnvironmentOutput) => ReadonlyMap<string, string>;

/** Plans and renders one environment (pure: no I/O). */
export function synthesizeEnvironment(environment: Environment): EnvironmentOutput {
  return synthesizeExtendedEnvironment(environment, {});
}

/**
 * Plans and renders one environment with what a cdk8s app adds to its objects (apart from
 * synthesizeEnvironment, whose one parameter lets it be given to `environments.map`).
 */
export function synthesizeExtendedEnvironment(environment: Environment, extensions: RenderExtensions): EnvironmentOutput {
  const renderer = new EnvironmentRenderer(environment, extensions);
  const phases = planEnvironment(environment).map((phase, index) => {
    const files = renderer.renderPhase(phase);
    return { phase, path: phaseFolder(index, phase.name), objects: files.flatMap((f) => f.objects), files };
  });
  return { environment, phases, plan: buildPlanFile(environment, phases) };
}

