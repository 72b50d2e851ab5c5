/**
 * A corpus of release plans for comparing the simulator with the verifier: safe plans built by the release
 * model of test/verify/fixtures.ts, and mutations of them (merged or dropped phases, an image changed in place,
 * removed gates).
 */
import { PhaseGates } from '../../src/plan/plan-file';
import { PhaseManifest } from '../../src/verify';
import { seededRandom } from '../../src/simulate/schedule';
import { AbstractPlan, phase, planPhases, releasePlan, rowStates, ServiceRelease, stateObjects } from '../verify/fixtures';
import { without } from '../helpers';

/** One plan of the corpus. */
export interface CorpusPlan {
  /** How it was made, e.g. `drop 02-switch`. */
  readonly name: string;
  /** Its phases, with plan.json gates. */
  readonly phases: PhaseManifest[];
}

const NS = 'env';
const VERSIONS = ['v1', 'v2', 'v3', 'blue', 'green'];

/** Observation time is not what either side checks: without it, plans are shorter to simulate. */
function withoutObserve(phases: PhaseManifest[]): PhaseManifest[] {
  return phases.map((p) => {
    if (!p.gates?.observe) return p;
    return { ...p, gates: without(p.gates, 'observe') };
  });
}

function randomPlan(random: () => number, index: number): AbstractPlan {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const count = 1 + Math.floor(random() * 3);
  const services: ServiceRelease[] = Array.from({ length: count }, (_, i) => {
    const from = pick(VERSIONS);
    const to = pick(VERSIONS.filter((v) => v !== from));
    return { name: `svc-${index}-${i}`, from, to: random() < 0.8 ? to : undefined,
      strategy: random() < 0.5 ? 'canary' : 'blueGreen', gateway: random() < 0.5 };
  });
  const steps = [...new Set(Array.from({ length: Math.floor(random() * 3) }, () => 1 + Math.floor(random() * 99)))].sort((a, b) => a - b);
  return releasePlan(services, steps);
}

/** Mutations of a safe plan, each a plan of its own. */
function mutations(plan: AbstractPlan, random: () => number): CorpusPlan[] {
  const safe = withoutObserve(planPhases(NS, plan, true));
  const last = plan.names.length - 1;
  const out: CorpusPlan[] = [{ name: 'safe', phases: safe }];
  // Dropping a phase merges its neighbours' changes into one step.
  const dropped = 1 + Math.floor(random() * (last - 1));
  out.push({ name: `drop ${plan.names[dropped]}`, phases: withoutObserve(planPhases(NS, plan, true, plan.names.map((_, i) => i).filter((i) => i !== dropped))) });
  // Removing every gate of a phase.
  const ungated = Math.floor(random() * last);
  out.push({ name: `no gates after ${plan.names[ungated]}`, phases: safe.map((p, i) => (i === ungated ? { ...p, gates: {} } : p)) });
  // Removing one gate kind of the switch phase.
  const switchIndex = plan.names.indexOf('switch');
  for (const gate of ['propagation', 'drain'] as const) {
    out.push({ name: `switch without ${gate}`, phases: safe.map((p, i) => {
      if (i !== switchIndex || !p.gates) return p;
      const gates: PhaseGates = { ...p.gates, [gate]: undefined };
      return { ...p, gates: JSON.parse(JSON.stringify(gates)) };
    }) });
  }
  // An image changed in place from some phase on.
  const from = 1 + Math.floor(random() * last);
  const [service, rows] = [...plan.rows][Math.floor(random() * plan.rows.size)];
  const version = rows[from].deployments[Math.floor(random() * rows[from].deployments.length)];
  out.push({ name: `patch ${service.name}-${version} from ${plan.names[from]}`, phases: plan.names.map((name, i) => {
    const states = rowStates(plan, i).map((s) => (s.name === service.name && i >= from
      ? { ...s, images: { [version]: `registry.example/${s.name}:${version}-patched` } } : s));
    return { ...phase(i, name, stateObjects(NS, states)), gates: safe[i].gates };
  }) });
  // A switch without drain moves traffic off the old version, and an inserted phase then changes that version
  // in place before cleanup: its rolling update cuts requests still held on the old pods.
  const released = [...plan.rows.keys()].find((s) => s.to !== undefined);
  if (released && switchIndex > 0 && switchIndex < last) {
    const undrained = safe.map((p, i) => (i === switchIndex && p.gates ? { ...p, gates: JSON.parse(JSON.stringify({ ...p.gates, drain: undefined })) } : p));
    const patched = rowStates(plan, switchIndex).map((s) => (s.name === released.name
      ? { ...s, images: { [released.from]: `registry.example/${s.name}:${released.from}-patched` } } : s));
    const patchGates: PhaseGates = {
      rollout: { deployments: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: `${released.name}-${released.from}` }], timeoutSeconds: 300 },
      ...safe[switchIndex].gates,
    };
    out.push({ name: `patch ${released.name}-${released.from} after an undrained switch`, phases: [
      ...undrained.slice(0, switchIndex + 1),
      phase(switchIndex + 1, 'patch', stateObjects(NS, patched), patchGates),
      ...safe.slice(switchIndex + 1).map((p, i) => ({ ...p, path: `${String(switchIndex + 2 + i).padStart(2, '0')}-${p.name}` })),
    ] });
  }
  return out;
}

/** `plans` random release plans and their mutations, reproducibly from `seed`. */
export function corpus(plans: number, seed: number): CorpusPlan[] {
  const random = seededRandom(seed);
  return Array.from({ length: plans }, (_, i) => mutations(randomPlan(random, i), random)).flat();
}
