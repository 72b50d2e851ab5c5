/**
 * Property-based: random release plans built by the model of DESIGN.md section 3 verify clean; dropping
 * phases, dropping gates or patching an image is rejected exactly when the abstract states say the
 * invariant breaks (the expectation is computed from the model, not by the verifier's code).
 */
import fc from 'fast-check';
import { PhaseManifest, verifyPhases } from '../../src/verify';
import { AbstractPlan, AbstractRow, GateKind, phase, planPhases, releasePlan, rowStates, ServiceRelease, stateObjects } from './fixtures';

const NS = 'env';

const releaseArb = (name: string): fc.Arbitrary<ServiceRelease> => fc.record({
  versions: fc.uniqueArray(fc.constantFrom('v1', 'v2', 'v3', 'blue', 'green'), { minLength: 2, maxLength: 2 }),
  released: fc.boolean(),
  strategy: fc.constantFrom('blueGreen' as const, 'canary' as const),
  gateway: fc.boolean(),
}).map(({ versions, released, strategy, gateway }) => ({ name, from: versions[0], to: released ? versions[1] : undefined, strategy, gateway }));

const planArb: fc.Arbitrary<AbstractPlan> = fc.integer({ min: 1, max: 4 })
  .chain((count) => fc.tuple(
    fc.tuple(...Array.from({ length: count }, (_, i) => releaseArb(`svc-${i}`))),
    fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }).map((steps) => [...steps].sort((a, b) => a - b)),
  ))
  .map(([services, steps]) => releasePlan(services, steps));

const routed = (row: AbstractRow) => Object.keys(row.weights).filter((v) => row.weights[v] > 0);
const minus = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

/** The invariant of DESIGN.md section 3 on abstract rows, plus the gate requirements when gates are checked. */
function transitionSafe(plan: AbstractPlan, s: number, t: number, kinds: readonly (readonly GateKind[])[] | undefined): boolean {
  return [...plan.rows.values()].every((rows) => {
    const [a, b] = [rows[s], rows[t]];
    const backed = [...routed(a), ...routed(b)].every((v) =>
      a.subsets.includes(v) && b.subsets.includes(v) && a.deployments.includes(v) && b.deployments.includes(v));
    if (!backed || !kinds) return backed;
    const removed = [...minus(a.deployments, b.deployments), ...minus(a.subsets, b.subsets)];
    const created = minus(b.deployments, a.deployments);
    return (removed.length === 0 || (kinds[s].includes('propagation') && kinds[s].includes('drain')))
      && (created.length === 0 || kinds[t].includes('rollout'));
  });
}

const failingTransitions = (list: PhaseManifest[]) => new Set(verifyPhases(list).map((f) => f.transition ?? `state ${f.phase}`));

test('generated plans verify clean, with and without plan gates', () => {
  fc.assert(fc.property(planArb, fc.boolean(), (plan, withGates) => {
    expect(verifyPhases(planPhases(NS, plan, withGates))).toEqual([]);
  }), { numRuns: 150 });
});

test('removing or merging phases is rejected exactly when the invariant breaks', () => {
  const arb = planArb.chain((plan) => fc.tuple(
    fc.constant(plan),
    fc.subarray(plan.names.map((_, i) => i), { minLength: 2 }),
    fc.boolean(),
  ));
  fc.assert(fc.property(arb, ([plan, kept, withGates]) => {
    const list = planPhases(NS, plan, withGates, kept);
    const expected = new Set(kept.slice(1).flatMap((t, i) =>
      (transitionSafe(plan, kept[i], t, withGates ? plan.gateKinds : undefined) ? [] : [`${list[i].path} -> ${list[i + 1].path}`])));
    expect(failingTransitions(list)).toEqual(expected);
  }), { numRuns: 200 });
});

test('dropping the gates of a phase is rejected exactly when a removal or a creation needed them', () => {
  const arb = planArb.chain((plan) => fc.tuple(fc.constant(plan), fc.integer({ min: 0, max: plan.names.length - 1 })));
  fc.assert(fc.property(arb, ([plan, dropped]) => {
    const weakened: AbstractPlan = { ...plan, gateKinds: plan.gateKinds.map((k, i) => (i === dropped ? [] : k)) };
    const list = planPhases(NS, weakened, true);
    const expected = new Set(list.slice(1).flatMap((p, i) =>
      (transitionSafe(plan, i, i + 1, weakened.gateKinds) ? [] : [`${list[i].path} -> ${p.path}`])));
    expect(failingTransitions(list)).toEqual(expected);
  }), { numRuns: 150 });
});

test('patching the image of a Deployment from some phase on is rejected exactly when it carries traffic across that step', () => {
  const arb = planArb.chain((plan) => fc.tuple(
    fc.constant(plan),
    fc.integer({ min: 1, max: plan.names.length - 1 }),
    fc.integer({ min: 0, max: plan.rows.size - 1 }),
    fc.nat(),
  ));
  fc.assert(fc.property(arb, ([plan, from, serviceIndex, pick]) => {
    const [service, rows] = [...plan.rows][serviceIndex];
    const version = rows[from].deployments[pick % rows[from].deployments.length];
    const list = plan.names.map((name, i) => {
      const states = rowStates(plan, i).map((s) => (s.name === service.name && i >= from
        ? { ...s, images: { [version]: `registry.example/${s.name}:${version}-patched` } } : s));
      return phase(i, name, stateObjects(NS, states));
    });
    const [a, b] = [rows[from - 1], rows[from]];
    const carried = a.deployments.includes(version) && [...routed(a), ...routed(b)].includes(version);
    const findings = verifyPhases(list);
    expect(findings.map((f) => `${f.rule} ${f.object} ${f.transition}`))
      .toEqual(carried ? [`transition/in-place-update Deployment ${NS}/${service.name}-${version} ${list[from - 1].path} -> ${list[from].path}`] : []);
  }), { numRuns: 150 });
});
