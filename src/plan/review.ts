/**
 * Reviewable plans (pure): what each phase changes compared with the previous one, why that is safe,
 * what it waits for, and each service's traffic share per version across the phases. Read by
 * `phased-rollout plan` and by the PLAN.md artifact.
 */
import { basename } from 'node:path';
import { counted } from '../format';
import { byIdentity, identityKey, KubeObject, refLabel } from '../manifest';
import {
  autoscalerOf, changedKeys, configurationOf, destinationRuleOf, isConfiguration, isMeshBound, podTemplateOf, RouteDestination, RouteRule, sameObject,
  virtualServiceOf, VirtualServiceView,
} from '../model';
import type { SafetyFinding } from '../verify/types';
import { PhaseGates, PlanFile } from './plan-file';

/** A phase as the review reads it: from synthesis or from a folder on disk. */
export interface ReviewedPhase {
  /** Folder of the phase (`NN-name`; parent folders are ignored). */
  readonly path: string;
  /** Every object of the phase. */
  readonly objects: readonly KubeObject[];
  /** Gates from plan.json, when there is one. */
  readonly gates?: PhaseGates;
}

/** One line of a phase's diff: `+` created, `~` changed, `-` removed. */
export interface Change {
  /** `+`, `~` or `-`. */
  readonly symbol: '+' | '~' | '-';
  /** `Deployment coffee-shop-v2`, `VirtualService coffee-shop: v1 100 -> v2 100`. */
  readonly text: string;
}

/** The review of one phase. */
export interface PhaseReview {
  /** Folder name (`NN-name`). */
  readonly phase: string;
  /** What changes against the previous phase, in file order (removals last). */
  readonly changes: readonly Change[];
  /** Why applying the phase drops no request, one reason per kind of change. */
  readonly safety: readonly string[];
  /** The gates before the next phase, in the order they are passed. */
  readonly gates: readonly string[];
}

/** One step of a rollback as the review shows it. */
export interface RollbackStepReview {
  /** Step name (reapply, restore-old, revert-traffic, remove-new). */
  readonly name: string;
  /** The forward phase folder it applies. */
  readonly path: string;
  /** What it deletes after applying the folder, `Kind/name`. */
  readonly removes: readonly string[];
  /** Its gates, in the order they are passed. */
  readonly gates: readonly string[];
}

/** The review of the rollback from one phase. */
export interface RollbackReview {
  /** The phase folder it rolls back from. */
  readonly from: string;
  /** Its steps in order. */
  readonly steps: readonly RollbackStepReview[];
}

/** Traffic share (percent) of each version of one service, per phase. */
export interface TrafficSeries {
  /** The mesh VirtualService's name (the service). */
  readonly service: string;
  /** Version (subset) -> share per phase, in phase order; versions in order of first appearance. */
  readonly shares: ReadonlyMap<string, readonly number[]>;
}

const label = (obj: KubeObject) => `${obj.kind} ${obj.metadata.name}`;

/** The weight of entry `index` of a route list as a review shows it: as written, else 100 for a sole destination, else 0. */
function weightOf(route: readonly RouteDestination[], index: number): number {
  return route[index].weight ?? (route.length === 1 ? 100 : 0);
}

/** What a route entry sends traffic to, as a review names it: the subset (the version), else the host. */
function targetOf(entry: RouteDestination): string | undefined {
  return entry.destination?.subset || entry.destination?.host;
}

/** The rules whose weights a review shows: the http ones, or a TCP service's tcp ones. */
function weightedRules(view: VirtualServiceView): readonly RouteRule[] {
  return view.http.length > 0 ? view.http : view.tcp;
}

/** `subset weight` of each destination of each http (or tcp) route; `; ` between routes. */
function split(vs: KubeObject): string {
  return weightedRules(virtualServiceOf(vs)).map(({ route }) => route.map((entry, i) => `${targetOf(entry)} ${weightOf(route, i)}`).join(', ')).join('; ');
}

function subsets(dr: KubeObject): string[] {
  return destinationRuleOf(dr).subsets.map((s) => s.name);
}

/** The `~` line for an object that exists in both phases with different contents. */
function changeOf(before: KubeObject, after: KubeObject): Change {
  if (after.kind === 'VirtualService' && split(before) !== split(after)) {
    return { symbol: '~', text: `${label(after)}: ${split(before)} -> ${split(after)}` };
  }
  if (after.kind === 'DestinationRule') {
    const [was, is] = [subsets(before), subsets(after)];
    const delta = [...is.filter((s) => !was.includes(s)).map((s) => `+${s}`), ...was.filter((s) => !is.includes(s)).map((s) => `-${s}`)];
    if (delta.length > 0) return { symbol: '~', text: `${label(after)}: subsets ${delta.join(' ')}` };
  }
  if (after.kind === 'HorizontalPodAutoscaler') {
    const [was, is] = [autoscalerOf(before).minReplicas, autoscalerOf(after).minReplicas];
    if (was !== is) return { symbol: '~', text: `${label(after)}: minReplicas ${was} -> ${is}${is > was ? ' (capacity before traffic moves)' : ''}` };
  }
  if (after.kind === 'Deployment' && !sameObject(podTemplateOf(before).raw, podTemplateOf(after).raw)) {
    return { symbol: '~', text: `${label(after)}: pod template changed (an in-place rolling update)` };
  }
  if (isConfiguration(before) && isConfiguration(after)) {
    const keys = changedKeys(before, after);
    // Keys only, never values: a Secret's are secret.
    if (keys.length > 0) {
      const refused = configurationOf(before).immutable ? ' (immutable: the API server refuses it)' : ' (in place, under the pods that read it)';
      return { symbol: '~', text: `${label(after)}: keys ${keys.join(', ')} changed${refused}` };
    }
  }
  return { symbol: '~', text: `${label(after)}: changed` };
}

/** Why a phase with these changes is safe, in the words of DESIGN.md section 3. */
function safetyOf(index: number, changes: readonly Change[]): string[] {
  if (index === 0) return ['first phase: the complete starting state; every Deployment is ready before the next phase routes anything new'];
  const has = (symbol: Change['symbol'], pattern: RegExp) => changes.some((c) => c.symbol === symbol && pattern.test(c.text));
  const reasons: string[] = [];
  if (has('+', /^Deployment /)) reasons.push('new Deployments receive no traffic in this phase; the rollout gate waits until they are ready');
  if (has('~', /^DestinationRule .*subsets .*\+/)) reasons.push('subsets are defined before any route uses them; the propagation gate waits until every proxy knows them');
  if (has('+', /^VirtualService /) && !has('-', /^VirtualService /)) {
    reasons.push('new routes send traffic only to subsets that the previous phase already defined, over pods that already carry it');
  }
  if (has('~', /^VirtualService .* -> /)) reasons.push('traffic moves only between subsets that the previous phase already defined, backed by ready Deployments');
  if (changes.some((c) => c.symbol === '-') || has('~', /subsets .*-/)) {
    reasons.push('what is removed received no traffic in the previous phase, which waited for propagation and drain');
  }
  if (has('-', /^VirtualService /) && !has('+', /^VirtualService /)) {
    reasons.push('routes are removed: the service leaves the environment (retired); its pods keep running until the next phase, after the drain');
  }
  if (has('-', /^Service /)) {
    reasons.push('a retired service is deleted: nothing routed to it in the previous phase, and no VirtualService of the environment routes to its host');
  }
  if (has('~', /pod template changed/)) {
    reasons.push('WARNING: a pod template changes in place: Kubernetes rolls pods that may carry traffic (safe only while no route reaches them, '
      + 'as when adoption replaces a running Deployment of our name: verify checks it)');
  }
  if (has('~', /^(ConfigMap|Secret) .*keys .* changed/)) reasons.push('WARNING: configuration changes in place: pods that read it see the change without a rollout');
  return reasons.length > 0 ? reasons : ['nothing that carries traffic changes'];
}

function gatesOf(gates: PhaseGates | undefined): string[] {
  if (!gates) return [];
  const refs = (list: readonly { kind: string; name: string }[]) => list.map(refLabel).join(', ');
  return [
    ...(gates.rollout ? [`rollout ${refs(gates.rollout.deployments)} (timeout ${gates.rollout.timeoutSeconds}s)`] : []),
    ...(gates.capacity ? [`capacity ${gates.capacity.deployments.map((d) => `${refLabel(d.deployment)} ${d.replicas} available`).join(', ')} (timeout ${gates.capacity.timeoutSeconds}s)`] : []),
    ...(gates.propagation ? [gates.propagation.objects.length === 0
      ? `propagation ${gates.propagation.seconds}s (the phase only deletes Istio config, which has no status to wait for)`
      : `propagation ${refs(gates.propagation.objects)} (Reconciled, else at least ${gates.propagation.seconds}s)`] : []),
    ...(gates.observe ? [`observe ${gates.observe.seconds}s`] : []),
    ...(gates.drain ? [`drain ${gates.drain.seconds}s`] : []),
  ];
}

/** The review of every phase, each against the one before (the first against nothing). */
export function reviewPhases(phases: readonly ReviewedPhase[]): PhaseReview[] {
  return phases.map((phase, index) => {
    const previous = byIdentity(index === 0 ? [] : phases[index - 1].objects);
    const current = byIdentity(phase.objects);
    const changes: Change[] = [];
    for (const obj of phase.objects) {
      const before = previous.get(identityKey(obj));
      if (!before) changes.push({ symbol: '+', text: label(obj) });
      else if (!sameObject(before, obj)) changes.push(changeOf(before, obj));
    }
    for (const [key, obj] of previous) if (!current.has(key)) changes.push({ symbol: '-', text: label(obj) });
    return { phase: basename(phase.path), changes, safety: safetyOf(index, changes), gates: gatesOf(phase.gates) };
  });
}

/** The review of each rollback of a plan: per step, the forward folder applied, deletions and gates. */
export function reviewRollbacks(rollbacks: PlanFile['rollbacks']): RollbackReview[] {
  return Object.entries(rollbacks ?? {}).map(([from, steps]) => ({
    from,
    steps: steps.map((step) => ({ name: step.name, path: step.path, removes: step.removes.map(refLabel), gates: gatesOf(step.gates) })),
  }));
}

/** A rollback step in one line: `revert-traffic: apply 01-prepare, delete ...` (gates apart). */
export function rollbackStepLine(step: RollbackStepReview): string {
  return `${step.name}: apply ${step.path}${step.removes.length > 0 ? `, delete ${step.removes.join(', ')}` : ''}`;
}

/**
 * Each service's traffic share per version, per phase: from its mesh-bound VirtualService, first http (or tcp) route,
 * weights as percent of their total (Istio weights are relative).
 */
export function trafficSeries(phases: readonly ReviewedPhase[]): TrafficSeries[] {
  const series = new Map<string, Map<string, number[]>>();
  phases.forEach((phase, index) => {
    for (const vs of phase.objects) {
      if (vs.kind !== 'VirtualService') continue;
      const view = virtualServiceOf(vs);
      if (!isMeshBound(view)) continue;
      const route = weightedRules(view)[0]?.route ?? [];
      const total = route.reduce((sum, _, i) => sum + weightOf(route, i), 0);
      const shares = series.get(vs.metadata.name) ?? new Map<string, number[]>();
      series.set(vs.metadata.name, shares);
      route.forEach((entry, i) => {
        const version = String(targetOf(entry));
        const row = shares.get(version) ?? phases.map(() => 0);
        shares.set(version, row);
        row[index] += total === 0 ? 0 : Math.round((weightOf(route, i) * 100) / total);
      });
    }
  });
  return [...series].map(([service, shares]) => ({ service, shares }));
}

/**
 * A review as terminal text, like a terraform plan: per phase its changes, why they are safe (or the
 * verifier's findings instead, where it has some), and its gates.
 */
export function formatReview(environment: string, reviews: readonly PhaseReview[], findings: readonly SafetyFinding[] = [], rollbacks: readonly RollbackReview[] = []): string {
  const lines = [`${environment}: ${counted(reviews.length, 'phase')}`];
  for (const review of reviews) {
    lines.push('', review.phase);
    lines.push(...(review.changes.length > 0 ? review.changes.map((c) => `  ${c.symbol} ${c.text}`) : ['  (no change)']));
    const unsafe = findings.filter((f) => f.rollback === undefined && f.phase === review.phase);
    lines.push(...(unsafe.length > 0 ? unsafe.map((f) => `  UNSAFE: ${f.rule}: ${f.object}: ${f.message}`) : review.safety.map((reason) => `  safe: ${reason}`)));
    lines.push(review.gates.length > 0 ? `  gates: ${review.gates.join(' -> ')}` : '  gates: none');
  }
  for (const rollback of rollbacks) {
    lines.push('', `rolling back from ${rollback.from}`);
    for (const step of rollback.steps) {
      lines.push(`  ${rollbackStepLine(step)}`, `    gates: ${step.gates.length > 0 ? step.gates.join(' -> ') : 'none'}`);
    }
    lines.push(...findings.filter((f) => f.rollback === rollback.from).map((f) => `  UNSAFE: ${f.phase}: ${f.rule}: ${f.object}: ${f.message}`));
  }
  return `${lines.join('\n')}\n`;
}
