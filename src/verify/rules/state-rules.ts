/** Rules about one phase on its own: the state must route only to what it defines and backs with pods. */
import { KubeObject } from '../../manifest';
import { MESSAGES } from '../messages';
import { isAdopted, servingContainerOf, targetPortsOf } from '../../model';
import { backendsOf, resolveIn, subsetFor } from '../state';
import { RuleFinding, StateRule } from '../types';

/** A route to a subset that no DestinationRule of the phase defines. */
export const subsetUndefined: StateRule = {
  id: 'state/subset-undefined',
  description: 'every routed subset is defined in a DestinationRule for its host in the same phase',
  scope: 'state',
  check: (state) => state.routed
    .filter((destination) => destination.subset !== undefined && !subsetFor(state, destination))
    .map(MESSAGES.subsetUndefined),
};

/** A DestinationRule subset that selects no pod of the phase. */
export const subsetSelectsNothing: StateRule = {
  id: 'state/subset-no-pods',
  description: 'every DestinationRule subset selects pods of a workload of the same phase',
  scope: 'state',
  check: (state) => {
    const findings: RuleFinding[] = [];
    for (const [host, rules] of state.destinationRules) {
      const service = state.services.get(host);
      if (!service?.selector) continue; // not a Service of this phase: nothing to check against
      for (const rule of rules) {
        for (const subset of rule.subsets.values()) {
          if ((backendsOf({ subset: subset.name }, service, subset, state) ?? []).length > 0) continue;
          findings.push(MESSAGES.subsetSelectsNothing(rule.object, subset.name, host, service.selector, subset.labels));
        }
      }
    }
    return findings;
  },
};

/** A route to a whole Service whose selector matches no pod of the phase. */
export const serviceSelectsNothing: StateRule = {
  id: 'state/service-no-pods',
  description: 'a Service that receives traffic without a subset selects pods of a workload of the same phase',
  scope: 'state',
  check: (state) => state.routed.flatMap((destination) => {
    if (destination.subset !== undefined) return [];
    const service = state.services.get(destination.host);
    const backends = backendsOf(destination, service, undefined, state);
    return service && backends?.length === 0 ? [MESSAGES.serviceSelectsNothing(destination, service.object)] : [];
  }),
};

/** Route weights Istio rejects. */
export const invalidWeights: StateRule = {
  id: 'state/invalid-weights',
  description: 'route weights are not negative and do not total 0 across several destinations',
  scope: 'state',
  check: (state) => state.invalidWeights.map((w) => MESSAGES.invalidWeights(w.source, w.where, w.reason)),
};

/** The same object twice in one phase. */
export const duplicateObject: StateRule = {
  id: 'state/duplicate-object',
  description: 'each object is defined once per phase',
  scope: 'state',
  check: (state) => state.duplicates.map(MESSAGES.duplicateObject),
};

/**
 * The container of a workload that serves a Service's port and has no readiness probe, or undefined. Remembered
 * per workload and Service object: phases share most objects, and every phase is checked.
 */
const unprobedContainers = new WeakMap<KubeObject, WeakMap<KubeObject, { readonly container?: string }>>();
function unprobedServingContainer(workload: KubeObject, service: KubeObject): string | undefined {
  let byService = unprobedContainers.get(workload);
  if (byService === undefined) unprobedContainers.set(workload, (byService = new WeakMap()));
  let answer = byService.get(service);
  if (answer === undefined) {
    const container = servingContainerOf(workload, targetPortsOf(service));
    byService.set(service, (answer = { container: container && !container.probed ? container.name : undefined }));
  }
  return answer.container;
}

/**
 * A Deployment that receives traffic without a readiness probe on the container serving the Service's port:
 * Kubernetes counts its pods ready once their containers run, before the app accepts connections, so a rollout
 * gate passes early and routes reach pods that refuse requests (the simulator loses requests in Bookinfo's canary).
 */
export const routedWithoutReadiness: StateRule = {
  id: 'state/routed-without-readiness',
  description: 'a Deployment that receives traffic has a readiness probe on the container serving the Service\'s port',
  scope: 'state',
  check: (state) => {
    const findings: RuleFinding[] = [];
    const checked = new Set<string>();
    for (const destination of state.routed) {
      const { service, subset } = resolveIn(state, destination);
      for (const workload of backendsOf(destination, service, subset, state) ?? []) {
        if (workload.object.kind !== 'Deployment' || checked.has(workload.key) || isAdopted(workload.object)) continue;
        checked.add(workload.key);
        const container = unprobedServingContainer(workload.object, service!.object);
        if (container !== undefined) findings.push(MESSAGES.routedWithoutReadiness(workload, container, destination));
      }
    }
    return findings;
  },
};
