/**
 * Synthesis: validated matrix -> plan per environment -> rendered phase folders and plan.json,
 * written to the output folder in one swap.
 */
import { Matrix } from '../matrix/model';
import { buildPlanFile, RenderedPhase } from '../plan/plan-file';
import { planEnvironment } from '../plan/planner';
import { removeStaleStaging, writeTreeAtomically } from './output';
import { renderPhase } from './render';

/** `NN-name`: the folder of the phase at `index`. */
export function phaseFolder(index: number, name: string): string {
  return `${String(index).padStart(2, '0')}-${name}`;
}

/** Every output file (path relative to the output folder -> content), without touching the disk. */
export function synthesizeFiles(matrix: Matrix): Map<string, string> {
  const files = new Map<string, string>();
  for (const env of matrix.environments) {
    const rendered: RenderedPhase[] = planEnvironment(env).map((phase, index) => {
      const path = phaseFolder(index, phase.name);
      const phaseFiles = renderPhase(env, phase);
      for (const file of phaseFiles) files.set(`${env.name}/${path}/${file.name}`, file.yaml);
      return { phase, path, objects: phaseFiles.flatMap((f) => f.objects) };
    });
    files.set(`${env.name}/plan.json`, JSON.stringify(buildPlanFile(env, rendered), null, 2) + '\n');
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
