/** Known unsafe sequences, each rejected with the right rule on the right object; known safe ones pass. */
import { KubeObject } from '../../src/manifest';
import { PhaseGates } from '../../src/plan/plan-file';
import { SafetyFinding, TransitionRule, verifyEnvironment, verifyPhases } from '../../src/verify';
import { ObjectData } from '../helpers';
import { phase, phases, ServiceState, stateObjects } from './fixtures';

const NS = 'shop';
const baseline: ServiceState = { name: 'coffee', deployments: ['v1'], weights: { v1: 100 }, gatewayWeights: { v1: 100 } };
const prepare: ServiceState = { ...baseline, deployments: ['v1', 'v2'] };
const canary = (w: number): ServiceState => ({ ...prepare, weights: { v1: 100 - w, v2: w }, gatewayWeights: { v1: 100 - w, v2: w } });
const switched: ServiceState = { ...prepare, weights: { v2: 100 }, gatewayWeights: { v2: 100 } };
const cleanup: ServiceState = { ...switched, deployments: ['v2'] };

const GATES: Record<string, PhaseGates> = {
  baseline: {},
  prepare: { rollout: { deployments: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'coffee-v2' }], timeoutSeconds: 300 }, propagation: { objects: [], seconds: 5 } },
  canary: { propagation: { objects: [], seconds: 5 }, observe: { seconds: 60 } },
  switch: { propagation: { objects: [], seconds: 5 }, drain: { seconds: 30 } },
  cleanup: {},
};

const rulesOf = (findings: SafetyFinding[]) => findings.map((f) => `${f.rule} ${f.object}`);
function expectFinding(findings: SafetyFinding[], rule: string, object: string, transition?: string): void {
  expect(findings).toContainEqual(expect.objectContaining({ rule, object, ...(transition ? { transition } : {}) }));
}

describe('safe sequences', () => {
  test('blue/green with its plan gates', () => {
    const names = ['baseline', 'prepare', 'switch', 'cleanup'];
    expect(verifyPhases(phases(NS, names, [[baseline], [prepare], [switched], [cleanup]], names.map((n) => GATES[n])))).toEqual([]);
  });

  test('canary 10/50 with its plan gates', () => {
    const names = ['baseline', 'prepare', 'canary-10', 'canary-50', 'switch', 'cleanup'];
    const states = [[baseline], [prepare], [canary(10)], [canary(50)], [switched], [cleanup]];
    const gates = names.map((n) => GATES[n.replace(/-\d+$/, '')]);
    expect(verifyPhases(phases(NS, names, states, gates))).toEqual([]);
  });

  test('several services, one of them without a release, without plan gates', () => {
    const tea = (s: ServiceState): ServiceState => ({ ...s, name: 'tea', gatewayWeights: undefined });
    const still: ServiceState = { name: 'milk', deployments: ['v7'], weights: { v7: 100 } };
    const states = [[baseline, tea(baseline), still], [prepare, tea(prepare), still], [canary(10), tea(prepare), still],
      [switched, tea(switched), still], [cleanup, tea(cleanup), still]];
    expect(verifyPhases(phases(NS, ['baseline', 'prepare', 'canary-10', 'switch', 'cleanup'], states))).toEqual([]);
  });

  test('a pod template change of a Deployment without traffic is fine', () => {
    const states = [[prepare], [{ ...prepare, images: { v2: 'registry.example/coffee:v2-fixed' } }]];
    expect(verifyPhases(phases(NS, ['prepare', 'prepare-again'], states))).toEqual([]);
  });

  test('hosts in short, namespaced and FQDN forms, and a DestinationRule exported from another namespace', () => {
    const retarget = (objects: ObjectData[]): KubeObject[] => objects.map((o) => {
      if (o.kind === 'VirtualService') {
        const http = o.spec.http.map((h: any) => ({ route: h.route.map((r: any) => ({ ...r, destination: { ...r.destination, host: 'coffee.shop.svc.cluster.local' } })) }));
        return { ...o, spec: { ...o.spec, http } };
      }
      if (o.kind === 'DestinationRule') return { ...o, metadata: { ...o.metadata, namespace: 'mesh-config' }, spec: { ...o.spec, host: 'coffee.shop.svc', exportTo: ['*'] } };
      return o;
    });
    const list = [[baseline], [prepare], [switched], [cleanup]].map((s, i) => phase(i, `p${i}`, retarget(stateObjects(NS, s))));
    expect(verifyPhases(list)).toEqual([]);
    // The same DestinationRule exported only to its own namespace does not apply to routes in `shop`.
    const hidden = list.map((p) => ({ ...p, objects: p.objects.map((o: ObjectData) => (o.kind === 'DestinationRule' ? { ...o, spec: { ...o.spec, exportTo: ['.'] } } : o)) }));
    expectFinding(verifyPhases(hidden), 'state/subset-undefined', 'VirtualService shop/coffee');
  });
});

describe('unsafe sequences', () => {
  test('prepare merged with switch', () => {
    const findings = verifyPhases(phases(NS, ['baseline', 'switch'], [[baseline], [switched]]));
    expectFinding(findings, 'transition/subset-defined-both', 'VirtualService shop/coffee', '00-baseline -> 01-switch');
    expectFinding(findings, 'transition/subset-defined-both', 'VirtualService shop/coffee-gateway');
    expectFinding(findings, 'transition/new-deployment-routed', 'Deployment shop/coffee-v2');
  });

  test('switch merged with cleanup', () => {
    const findings = verifyPhases(phases(NS, ['baseline', 'prepare', 'cleanup'], [[baseline], [prepare], [cleanup]]));
    expectFinding(findings, 'transition/removed-while-routed', 'Deployment shop/coffee-v1', '01-prepare -> 02-cleanup');
    expectFinding(findings, 'transition/removed-while-routed', 'DestinationRule shop/coffee', '01-prepare -> 02-cleanup');
    expect(findings.every((f) => f.transition === '01-prepare -> 02-cleanup')).toBe(true);
  });

  test('a subset removed while a canary still weights it', () => {
    const removed: ServiceState = { ...canary(10), subsets: ['v2'] };
    const findings = verifyPhases(phases(NS, ['prepare', 'canary-10', 'canary-10b'], [[prepare], [canary(10)], [removed]]));
    expectFinding(findings, 'transition/removed-while-routed', 'DestinationRule shop/coffee', '01-canary-10 -> 02-canary-10b');
    expectFinding(findings, 'state/subset-undefined', 'VirtualService shop/coffee');
    expect(findings.some((f) => f.rule === 'transition/removed-while-routed' && f.message.includes('subset v1'))).toBe(true);
  });

  test("a Deployment's image changed in place while routed", () => {
    const patched: ServiceState = { ...baseline, images: { v1: 'registry.example/coffee:v1-patched' } };
    const findings = verifyPhases(phases(NS, ['baseline', 'patch'], [[baseline], [patched]]));
    expect(rulesOf(findings)).toEqual(['transition/in-place-update Deployment shop/coffee-v1']);
    expect(findings[0]).toMatchObject({ phase: '01-patch', transition: '00-baseline -> 01-patch' });
    expect(findings[0].fix).toMatch(/new versioned Deployment/);
  });

  test('a new Deployment weighted in the phase that creates it', () => {
    const early: ServiceState = { ...prepare, subsets: ['v1', 'v2'], weights: { v1: 90, v2: 10 } };
    const findings = verifyPhases(phases(NS, ['baseline', 'canary-10'], [[{ ...baseline, subsets: ['v1'] }], [early]]));
    expectFinding(findings, 'transition/new-deployment-routed', 'Deployment shop/coffee-v2');
    expect(findings.some((f) => f.object === 'Deployment shop/coffee-v1')).toBe(false);
  });

  test('the gateway-bound VirtualService switched ahead of its subset', () => {
    const deployed: ServiceState = { ...prepare, subsets: ['v1'] };
    const ahead: ServiceState = { ...prepare, gatewayWeights: { v2: 100 } };
    const findings = verifyPhases(phases(NS, ['deployed', 'prepare'], [[deployed], [ahead]]));
    expect(rulesOf(findings)).toEqual(['transition/subset-defined-both VirtualService shop/coffee-gateway']);
    expect(findings[0].fix).toMatch(/split this phase: add subset v2/);
  });

  test('a Service selector narrowed to one version while the other is routed', () => {
    const narrowed: ServiceState = { ...prepare, selector: { app: 'coffee', version: 'v2' } };
    const findings = verifyPhases(phases(NS, ['prepare', 'narrow'], [[prepare], [narrowed]]));
    expectFinding(findings, 'transition/removed-while-routed', 'Service shop/coffee', '00-prepare -> 01-narrow');
    expectFinding(findings, 'state/subset-no-pods', 'DestinationRule shop/coffee');
  });

  test('removal without drain and propagation gates in plan.json', () => {
    const names = ['baseline', 'prepare', 'switch', 'cleanup'];
    const gates = names.map((n) => (n === 'switch' ? { propagation: GATES.switch.propagation } : GATES[n]));
    const findings = verifyPhases(phases(NS, names, [[baseline], [prepare], [switched], [cleanup]], gates));
    expectFinding(findings, 'transition/removal-without-gates', 'Deployment shop/coffee-v1', '02-switch -> 03-cleanup');
    expectFinding(findings, 'transition/removal-without-gates', 'DestinationRule shop/coffee');
    expect(findings.every((f) => f.rule === 'transition/removal-without-gates' && /lack drain/.test(f.message))).toBe(true);
  });

  // Found by the simulator: traffic leaves v1 at the switch, whose gates lack drain; the next phase changes v1's
  // pod template (an image bump of the now idle version) and its rolling update cuts requests still held on v1.
  test('an in-place change of a Deployment that lost its traffic in a phase without drain', () => {
    const names = ['baseline', 'prepare', 'switch', 'patch'];
    const patched: ServiceState = { ...switched, images: { v1: 'registry.example/coffee:v1-patched' } };
    const patchGates: PhaseGates = { rollout: { deployments: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'coffee-v1' }], timeoutSeconds: 300 } };
    const undrained = [GATES.baseline, GATES.prepare, { propagation: GATES.switch.propagation }, patchGates];
    const findings = verifyPhases(phases(NS, names, [[baseline], [prepare], [switched], [patched]], undrained));
    expect(rulesOf(findings)).toEqual(['transition/removal-without-gates Deployment shop/coffee-v1']);
    expect(findings[0]).toMatchObject({ transition: '02-switch -> 03-patch' });
    expect(findings[0].message).toMatch(/^its pod template changes, so its rolling update deletes the old pods, but the gates of 02-switch lack drain/);
    const drained = [GATES.baseline, GATES.prepare, GATES.switch, patchGates];
    expect(verifyPhases(phases(NS, names, [[baseline], [prepare], [switched], [patched]], drained))).toEqual([]);
  });

  test('a created Deployment missing from its rollout gate', () => {
    const names = ['baseline', 'prepare', 'switch', 'cleanup'];
    const gates = names.map((n) => (n === 'prepare' ? { propagation: GATES.prepare.propagation } : GATES[n]));
    const findings = verifyPhases(phases(NS, names, [[baseline], [prepare], [switched], [cleanup]], gates));
    expect(rulesOf(findings)).toEqual(['transition/created-without-rollout-gate Deployment shop/coffee-v2']);
  });

  test('a Service without VirtualService updated in place', () => {
    const plain = (image: string): ObjectData[] => stateObjects(NS, [{ ...baseline, images: { v1: image } }])
      .filter((o) => o.kind !== 'VirtualService' && o.kind !== 'DestinationRule' && o.kind !== 'Gateway');
    const findings = verifyPhases([phase(0, 'a', plain('x:1')), phase(1, 'b', plain('x:2'))]);
    expect(rulesOf(findings)).toEqual(['transition/in-place-update Deployment shop/coffee-v1']);
    expect(findings[0].message).toMatch(/every endpoint of coffee.shop.svc.cluster.local \(routed by Service shop\/coffee\)/);
  });

  test('a mirror and a tcp route to an undefined subset, and invalid weights', () => {
    const objects = stateObjects(NS, [baseline]).map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'coffee'
      ? { ...o, spec: { ...o.spec,
        http: [{ ...o.spec.http[0], mirror: { host: 'coffee', subset: 'shadow' } }, { route: [{ destination: { host: 'coffee', subset: 'v1' }, weight: -1 }, { destination: { host: 'coffee', subset: 'v1' } }] }],
        tcp: [{ route: [{ destination: { host: 'coffee', subset: 'tcp' } }] }] } }
      : o));
    const findings = verifyPhases([phase(0, 'only', objects)]);
    expect(findings.filter((f) => f.rule === 'state/subset-undefined').map((f) => f.message.split(',')[0]))
      .toEqual(['routes to subset shadow of coffee.shop.svc.cluster.local', 'routes to subset tcp of coffee.shop.svc.cluster.local']);
    expectFinding(findings, 'state/invalid-weights', 'VirtualService shop/coffee');
  });

  test('the same object twice in a phase', () => {
    const objects = stateObjects(NS, [baseline]);
    expectFinding(verifyPhases([phase(0, 'only', [...objects, objects[1]])]), 'state/duplicate-object', 'Deployment shop/coffee-v1');
  });
});

// Rollbacks re-apply the forward folders with other gates, and the verifier remembers what it found clean.
describe('remembered results', () => {
  const names = ['baseline', 'prepare', 'switch', 'cleanup'];
  const objects = [[baseline], [prepare], [switched], [cleanup]].map((services) => stateObjects(NS, services));
  const withGates = (gates: readonly PhaseGates[]) => objects.map((list, i) => phase(i, names[i], list, gates[i]));

  test('a transition found clean with some gates is checked again when a rollback crosses it with others', () => {
    const drained = names.map((n) => GATES[n]);
    const undrained = names.map((n) => (n === 'switch' ? { propagation: GATES.switch.propagation } : GATES[n]));
    // The same folders (object lists) as the forward phases: only the gates differ.
    const rollback = (gates: readonly PhaseGates[]) => ({ from: '03-cleanup', phases: withGates(gates).slice(2) });
    expect(verifyEnvironment(withGates(drained), [rollback(drained)])).toEqual([]);
    expect(rulesOf(verifyEnvironment(withGates(drained), [rollback(undrained)])))
      .toEqual(['transition/removal-without-gates Deployment shop/coffee-v1', 'transition/removal-without-gates DestinationRule shop/coffee']);
    expect(rulesOf(verifyEnvironment(withGates(undrained), [rollback(drained)])))
      .toEqual(['transition/removal-without-gates Deployment shop/coffee-v1', 'transition/removal-without-gates DestinationRule shop/coffee']);
  });

  test('a rule that does not declare reading gates is given phases without them; one that does sees them', () => {
    const seen: Record<string, unknown[]> = { blind: [], reading: [] };
    const probe = (name: 'blind' | 'reading'): TransitionRule => ({
      id: `transition/probe-${name}`, description: 'records the gates it is given', scope: 'transition', readsGates: name === 'reading',
      check: ({ from }) => {
        seen[name].push(from.phase.gates);
        return [];
      },
    });
    verifyPhases(withGates(names.map((n) => GATES[n])), [probe('blind'), probe('reading')]);
    expect(seen.blind).toEqual([undefined, undefined, undefined]);
    expect(seen.reading).toEqual([GATES.baseline, GATES.prepare, GATES.switch]);
  });
});
