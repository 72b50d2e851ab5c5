/** Unsafe variants of the example production release, built from its phase folders. */
import { KubeObject } from '../../src/manifest';
import { PhaseGates } from '../../src/plan/plan-file';
import { loadPhases, PhaseManifest } from '../../src/verify';
import { ObjectData, without } from '../helpers';

/** The example production plan as synthesized (with plan.json gates). */
export function productionPlan(): PhaseManifest[] {
  return loadPhases(`${__dirname}/../../dist/production`).phases;
}

/** The baseline, then the same state with coffee-shop-v1's image changed in place: the article's rolling update. */
export function inPlaceUpdate(): PhaseManifest[] {
  const [baseline] = productionPlan();
  const objects: KubeObject[] = baseline.objects.map((o: ObjectData) => {
    if (o.kind !== 'Deployment' || o.metadata.name !== 'coffee-shop-v1') return o;
    const template = o.spec.template;
    const containers = template.spec.containers.map((c: any) => ({ ...c, image: 'sdaschner/coffee-shop:zero-downtime-2' }));
    return { ...o, spec: { ...o.spec, template: { ...template, spec: { ...template.spec, containers } } } };
  });
  return [{ ...baseline, path: '00-baseline', gates: undefined }, { name: 'update', path: '01-update', objects }];
}

/** The baseline, then the release's final state at once: Deployment, DestinationRule and VirtualServices together. */
export function onePhaseRelease(): PhaseManifest[] {
  const phases = productionPlan();
  return [{ ...phases[0], path: '00-baseline', gates: undefined }, { ...phases[phases.length - 1], path: '01-release', gates: undefined }];
}

/** The production plan with the switch phase's propagation and drain gates replaced. */
export function withSwitchGates(propagationSeconds: number, drainSeconds: number): PhaseManifest[] {
  return productionPlan().map((p) => {
    if (p.name !== 'switch' || !p.gates?.propagation) return p;
    const gates: PhaseGates = { ...p.gates, propagation: { ...p.gates.propagation, seconds: propagationSeconds }, drain: { seconds: drainSeconds } };
    return { ...p, gates };
  });
}

/** The production plan with one gate of the switch phase removed. */
export function switchWithout(gate: 'propagation' | 'drain'): PhaseManifest[] {
  return productionPlan().map((p) => {
    if (p.name !== 'switch' || !p.gates) return p;
    return { ...p, gates: without(p.gates, gate) };
  });
}
