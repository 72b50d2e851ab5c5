/**
 * Synthesis: validated matrix -> plan per environment -> rendered phase folders and plan.json,
 * plus the artifacts derived from them, written to the output folder in one swap.
 */
import { Environment, Matrix } from '../matrix/model';
import { buildPlanFile, PlanFile, RenderedPhase } from '../plan/plan-file';
import { planEnvironment } from '../plan/planner';
import { removeStaleStaging, writeTreeAtomically } from './output';
import { EnvironmentRenderer, RenderedFile } from './render';

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
 * Each artifact is one entry of ARTIFACTS.
 */
export type Artifact = (output: EnvironmentOutput) => ReadonlyMap<string, string>;

const ARTIFACTS: readonly Artifact[] = [];

/** Plans and renders one environment (pure: no I/O). */
export function synthesizeEnvironment(environment: Environment): EnvironmentOutput {
  const renderer = new EnvironmentRenderer(environment);
  const phases = planEnvironment(environment).map((phase, index) => {
    const files = renderer.renderPhase(phase);
    return { phase, path: phaseFolder(index, phase.name), objects: files.flatMap((f) => f.objects), files };
  });
  return { environment, phases, plan: buildPlanFile(environment, phases) };
}

/** Every output file (path relative to the output folder -> content), without touching the disk. */
export function synthesizeFiles(matrix: Matrix): Map<string, string> {
  const files = new Map<string, string>();
  for (const env of matrix.environments) {
    const output = synthesizeEnvironment(env);
    for (const phase of output.phases) {
      for (const file of phase.files) files.set(`${env.name}/${phase.path}/${file.name}`, file.yaml);
    }
    files.set(`${env.name}/plan.json`, JSON.stringify(output.plan, null, 2) + '\n');
    for (const artifact of ARTIFACTS) for (const [path, content] of artifact(output)) files.set(path, content);
  }
  return files;
}

/** Synthesizes the matrix into `outDir`, replacing its previous contents only once everything is rendered. */
export function synthesize(matrix: Matrix, outDir: string): Map<string, string> {
  const files = synthesizeFiles(matrix);
  removeStaleStaging(outDir);
  writeTreeAtomically(outDir, files);
  return files;
}
