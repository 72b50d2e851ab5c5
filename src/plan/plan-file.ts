/**
 * The format of `dist/<environment>/plan.json`: the machine-readable contract between synthesis and
 * everything that applies or checks the phases (pipelines, `phased-rollout apply|verify|plan`, Argo CD promotion).
 */
import { InputError, isMapping, KubeObject, ObjectRef, readTextFile } from '../manifest';
import { Environment, isRelease } from '../matrix/model';
import { stepsOf } from './gates';
import { Phase } from './planner';
import { planRollback } from './rollback';

/**
 * Version of the plan.json format; bumped on any incompatible change. 2: phases no longer list their
 * objects (the folders hold them; nothing read the list but the check that it matched them).
 */
export const PLAN_FORMAT_VERSION = 2;

/** Contents of plan.json for one environment. */
export interface PlanFile {
  /** Format version of this file ({@link PLAN_FORMAT_VERSION}). */
  readonly formatVersion: number;
  /** Environment name (the folder name under dist/). */
  readonly environment: string;
  /** Namespace every object of the environment lives in. */
  readonly namespace: string;
  /** Releases of this environment (services that change version); empty when nothing is released. */
  readonly releases: readonly PlanRelease[];
  /** Phases in apply order. */
  readonly phases: readonly PlanPhase[];
  /**
   * For each phase after the baseline, keyed by its path: the steps back to the baseline. Synthesis always
   * writes it; a hand-written plan.json may leave it out (`phased-rollout rollback` then refuses).
   */
  readonly rollbacks?: { readonly [fromPath: string]: readonly PlanRollbackStep[] };
}

/** One step of a rollback: a forward phase folder applied again, then its deletions and gates. */
export interface PlanRollbackStep {
  /** Step name: reapply (the phase rolled back from), restore-old, revert-traffic or remove-new. */
  readonly name: string;
  /** The forward phase folder to apply (one of `phases[].path`). */
  readonly path: string;
  /** Objects of the previous step's folder that this step's folder does not hold: delete them after applying it. */
  readonly removes: readonly ObjectRef[];
  /** What must hold after this step and before the next. */
  readonly gates: PhaseGates;
}

/** One service's release in an environment. */
export interface PlanRelease {
  /** Service name. */
  readonly service: string;
  /** Version live before the release. */
  readonly from: string;
  /** Version live after the release. */
  readonly to: string;
  /** `blueGreen`, or `canary` with its weight steps. */
  readonly strategy: { readonly type: 'blueGreen' } | { readonly type: 'canary'; readonly steps: readonly number[] };
}

/** One phase: a complete desired state of the environment. */
export interface PlanPhase {
  /** Position in apply order, from 0. */
  readonly index: number;
  /** Phase name: baseline, prepare, canary-<weight>, switch or cleanup. */
  readonly name: string;
  /** Folder holding the phase's YAML, relative to plan.json (`NN-name`). */
  readonly path: string;
  /** Objects of the previous phase that this phase no longer has: delete them after applying the folder. */
  readonly removes: readonly ObjectRef[];
  /** What must hold after applying this phase and before applying the next. */
  readonly gates: PhaseGates;
}

/** Gates of a phase, checked in this order: rollout, propagation, observe, drain. Absent keys do not apply. */
export interface PhaseGates {
  /** Deployments created by this phase must be rolled out and ready. */
  readonly rollout?: { readonly deployments: readonly ObjectRef[]; readonly timeoutSeconds: number };
  /**
   * Istio config created or changed by this phase must reach every proxy: wait for the `Reconciled`
   * condition where istiod reports status, otherwise at least `seconds`.
   */
  readonly propagation?: { readonly objects: readonly ObjectRef[]; readonly seconds: number };
  /** Canary observation time before moving on. */
  readonly observe?: { readonly seconds: number };
  /** Time for clients to finish keep-alive connections before the next phase removes what they used. */
  readonly drain?: { readonly seconds: number };
}

/** What buildPlanFile needs of one phase: its planned form and the objects rendered for it. */
export interface RenderedPhase {
  /** The planned phase. */
  readonly phase: Phase;
  /** Folder name (`NN-name`). */
  readonly path: string;
  /** Every object of the phase folder, in file order. */
  readonly objects: readonly KubeObject[];
}

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

/** Checks that a parsed plan.json has the shape of {@link PlanFile}; the message names the field. */
function checkPlanShape(value: unknown): string | undefined {
  const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  /** What is wrong with an object reference, as a path suffix and message (a plan lists thousands: paths are built only for a problem). */
  const refProblem = (ref: unknown): string | undefined => {
    if (!isMapping(ref)) return ': expected an object reference {apiVersion, kind, namespace, name}';
    const bad = ['apiVersion', 'kind', 'name'].find((f) => typeof ref[f] !== 'string' || ref[f] === '');
    if (bad) return `.${bad}: expected a non-empty string`;
    return ref.namespace === undefined || typeof ref.namespace === 'string' ? undefined : '.namespace: expected a string';
  };
  const refsProblem = (refs: unknown, path: string): string | undefined => {
    if (!Array.isArray(refs)) return `${path}: expected a list`;
    for (let i = 0; i < refs.length; i++) {
      const problem = refProblem(refs[i]);
      if (problem) return `${path}[${i}]${problem}`;
    }
    return undefined;
  };
  const gatesProblem = (gates: unknown, path: string): string | undefined => {
    if (!isMapping(gates)) return `${path}: expected an object`;
    const unknown = Object.keys(gates).find((g) => !['rollout', 'propagation', 'observe', 'drain'].includes(g));
    if (unknown) return `${path}.${unknown}: unknown gate (rollout, propagation, observe, drain)`;
    for (const [gate, seconds] of [['rollout', 'timeoutSeconds'], ['propagation', 'seconds'], ['observe', 'seconds'], ['drain', 'seconds']]) {
      const entry = gates[gate];
      if (entry === undefined) continue;
      if (!isMapping(entry) || !isCount(entry[seconds])) return `${path}.${gate}.${seconds}: expected a number of seconds`;
    }
    const propagation = isMapping(gates.propagation) ? gates.propagation : undefined;
    return (isMapping(gates.rollout) ? refsProblem(gates.rollout.deployments, `${path}.rollout.deployments`) : undefined) ??
      (propagation === undefined ? undefined : refsProblem(propagation.objects, `${path}.propagation.objects`) ??
        // A propagation gate waits for the objects it lists: one with none is a plan written wrongly.
        ((propagation.objects as unknown[]).length === 0 ? `${path}.propagation.objects: expected at least one object reference` : undefined));
  };
  if (!isMapping(value)) return 'expected a JSON object';
  if (value.formatVersion !== PLAN_FORMAT_VERSION) {
    return `formatVersion: ${JSON.stringify(value.formatVersion)} is not supported (expected ${PLAN_FORMAT_VERSION})` +
      (value.formatVersion === 1 ? ': an earlier phased-rollout wrote it; synthesize again to rewrite the environment folder' : '');
  }
  for (const field of ['environment', 'namespace']) if (typeof value[field] !== 'string') return `${field}: expected a string`;
  if (!Array.isArray(value.phases) || value.phases.length === 0) return 'phases: expected a non-empty list';
  for (const [i, phase] of value.phases.entries()) {
    const path = `phases[${i}]`;
    if (!isMapping(phase)) return `${path}: expected an object`;
    if (phase.index !== i) return `${path}.index: expected ${i}`;
    if (typeof phase.name !== 'string' || typeof phase.path !== 'string' || !/^\d+-[a-z0-9-]+$/.test(phase.path)) {
      return `${path}: expected a name and a path like 01-prepare`;
    }
    const problem = refsProblem(phase.removes, `${path}.removes`) ?? gatesProblem(phase.gates, `${path}.gates`);
    if (problem) return problem;
  }
  if (value.rollbacks === undefined) return undefined;
  if (!isMapping(value.rollbacks)) return 'rollbacks: expected an object keyed by phase path';
  const paths = value.phases.map((phase) => phase.path);
  for (const [from, steps] of Object.entries(value.rollbacks)) {
    const path = `rollbacks.${from}`;
    if (!paths.includes(from)) return `${path}: not a phase of this plan (phases: ${paths.join(', ')})`;
    if (!Array.isArray(steps) || steps.length === 0) return `${path}: expected a non-empty list of steps`;
    for (const [i, step] of steps.entries()) {
      const at = `${path}[${i}]`;
      if (!isMapping(step)) return `${at}: expected an object`;
      if (typeof step.name !== 'string' || !/^[a-z0-9-]+$/.test(step.name)) return `${at}.name: expected a step name like revert-traffic`;
      // Step names label a rollback's progress in the resume record.
      if (steps.findIndex((other) => isMapping(other) && other.name === step.name) !== i) return `${at}.name: ${step.name} is not unique in ${path}`;
      if (!paths.includes(step.path)) return `${at}.path: expected the path of a phase of this plan (phases: ${paths.join(', ')})`;
      const problem = refsProblem(step.removes, `${at}.removes`) ?? gatesProblem(step.gates, `${at}.gates`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Reads and checks a plan.json file; unusable content is an InputError (exit code 2) naming the field. */
export function readPlanFile(path: string): PlanFile {
  const text = readTextFile(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const problem = checkPlanShape(value);
  if (problem) throw new InputError(`${path}: not a plan file: ${problem}`);
  return value as PlanFile;
}
