/**
 * The format of `dist/<environment>/plan.json`: the machine-readable contract between synthesis and
 * everything that applies or checks the phases (pipelines, `phased-rollout apply|verify|plan`, Argo CD promotion).
 */
import { Environment, isRelease } from '../matrix/model';
import { stepsOf } from './gates';
import { PLAN_FORMAT_VERSION, PlanFile, RenderedPhase } from './plan-types';
import { planRollback } from './rollback';

export { PLAN_FORMAT_VERSION } from './plan-types';
export type { PhaseGates, PlanFile, PlanPhase, PlanRelease, PlanRollbackStep, RenderedPhase } from './plan-types';

/**
 * Builds plan.json for an environment. Removals and gates are derived from what actually changes
 * between rendered phases (src/plan/gates.ts), so that they cannot disagree with the files; each
 * rollback is a sequence of the same rendered phases (src/plan/rollback.ts).
 */
export function buildPlanFile(env: Environment, phases: readonly RenderedPhase[]): PlanFile {
  const steps = stepsOf(env, phases.map((rendered) => rendered.objects), (i) => phases[i].phase.kind === 'canary');
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    environment: env.name,
    namespace: env.namespace,
    releases: env.rollouts.filter(isRelease).map((r) => ({
      service: r.service.name,
      from: r.from,
      to: r.to,
      strategy: r.canarySteps.length > 0 ? { type: 'canary' as const, steps: [...r.canarySteps] } : { type: 'blueGreen' as const },
    })),
    phases: phases.map((rendered, i) => ({
      index: i,
      name: rendered.phase.name,
      path: rendered.path,
      ...steps[i],
    })),
    rollbacks: Object.fromEntries(phases.slice(1).map((rendered, i) => [rendered.path, planRollback(env, phases, i + 1)])),
  };
}

/**
 * plan.json's text: indented JSON with each flat object (an object reference, a gate's seconds) on one
 * line. A plan lists thousands of removals and gated objects: one line per reference keeps it readable and
 * less than half the size of `JSON.stringify(plan, null, 2)`.
 */
export function formatPlanFile(plan: PlanFile): string {
  const format = (value: unknown, indent: string): string => {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      return value.length === 0 ? '[]' : `[\n${inner}${value.map((item) => format(item, inner)).join(`,\n${inner}`)}\n${indent}]`;
    }
    if (isFlat(value)) return JSON.stringify(value);
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{\n${inner}${entries.map(([key, item]) => `${JSON.stringify(key)}: ${format(item, inner)}`).join(`,\n${inner}`)}\n${indent}}`;
  };
  return `${format(plan, '')}\n`;
}

/** Whether an object holds no objects (a reference, a gate's seconds): written on one line. Checked without building its entries: a plan has tens of thousands of references. */
function isFlat(value: object): boolean {
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) return false;
  }
  return true;
}
