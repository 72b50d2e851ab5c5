/**
 * Rules about a transition S -> S': whatever order its objects are applied in and however late proxies
 * learn about them, every request must find a defined subset and ready pods (make before break).
 */
import { KubeObject, resourceName, selectorMatches } from '../../manifest';
import { MESSAGES } from '../messages';
import {
  boundGateways, changedKeys, ConfigurationReference, gatewayOf, isConfiguration, podTemplateOf, virtualServiceOf, workloadConfigurationReferences, workloadKey,
} from '../../model';
import { backendsOf, DeploymentInfo, sameTemplate } from '../state';
import type { ResolvedDestination, TransitionContext } from '../transition';
import { RuleFinding, TransitionRule } from '../types';

/** A route in S' to a subset S does not define, or to pods that S's Service or subset does not select. */
export const subsetDefinedBoth: TransitionRule = {
  id: 'transition/subset-defined-both',
  readsGates: false,
  description: 'a subset routed in the next phase is already defined, and selects the pods it reaches, in the previous phase',
  scope: 'transition',
  check: ({ from, to, destinations }) => destinations.filter((d) => d.routedAfter).flatMap((resolved) => {
    const { destination, serviceBefore, serviceAfter, subsetBefore, subsetAfter } = resolved;
    if (destination.subset !== undefined && !subsetBefore) return [MESSAGES.routedBeforeSubset(destination, from.label)];
    const findings: RuleFinding[] = [];
    for (const workload of backendsOf(destination, serviceAfter, subsetAfter, to) ?? []) {
      if (!from.deployments.has(workload.key)) continue; // a new workload: transition/new-deployment-routed
      if (serviceBefore?.selector && !selectorMatches(serviceBefore.selector, workload.podLabels)) {
        findings.push(MESSAGES.notYetSelected(destination, workload, serviceBefore.object, from.label));
      }
      if (subsetBefore && !selectorMatches(subsetBefore.labels, workload.podLabels)) {
        findings.push(MESSAGES.notYetSelected(destination, workload, subsetBefore.destinationRule, from.label));
      }
    }
    return findings;
  }),
};

/**
 * Whether a new workload only joins ready endpoints: every destination that reaches it also reaches, in both
 * phases, pods of a workload that runs unchanged, and each of its containers has a readiness probe. Its pods
 * then receive traffic only once ready, beside pods that carry it meanwhile, as when a Deployment scales out
 * (adopting a Deployment whose pods carry only the labels ours carry too has no other way in).
 */
function joinsReadyEndpoints(workload: DeploymentInfo, { from, to, destinations }: TransitionContext): boolean {
  if (!podTemplateOf(workload.object).containers.every((c) => c.readinessProbe !== undefined)) return false;
  const reaches = (list: readonly DeploymentInfo[] | undefined, key: string) => list?.some((w) => w.key === key) ?? false;
  const reaching = destinations.filter((d) => [d.serviceBefore, d.serviceAfter].some((service) => [d.subsetBefore, d.subsetAfter]
    .some((subset) => reaches(backendsOf(d.destination, service, subset, to), workload.key))));
  return reaching.length > 0 && reaching.every((d) => (backendsOf(d.destination, d.serviceBefore, d.subsetBefore, from) ?? []).some((kept) => {
    const after = to.deployments.get(kept.key);
    return after !== undefined && sameTemplate(kept, after) && reaches(backendsOf(d.destination, d.serviceAfter, d.subsetAfter, to), kept.key);
  }));
}

/** A workload created in S' that a route can reach before it is ready. */
export const newDeploymentRouted: TransitionRule = {
  id: 'transition/new-deployment-routed',
  readsGates: false,
  description: 'a Deployment created in a phase carries no traffic in that phase, unless it only joins the ready endpoints of a Deployment that keeps running (readiness probes on every container)',
  scope: 'transition',
  check: (transition) => [...transition.carried.values()]
    .filter((c) => !c.before && c.after && !hostsComingOrGoing(transition.destinations).has(c.destination.key) && !joinsReadyEndpoints(c.after, transition))
    .map((c) => MESSAGES.newWorkloadRouted(c.after!, c.destination)),
};

/** A pod template change of a workload that carries traffic: Kubernetes' rolling update, not a reroute. */
export const inPlaceUpdate: TransitionRule = {
  id: 'transition/in-place-update',
  readsGates: false,
  description: 'the pod template of a Deployment that carries traffic does not change',
  scope: 'transition',
  check: ({ carried }) => [...carried.values()]
    .filter((c) => c.before && c.after && !sameTemplate(c.before, c.after))
    .map((c) => MESSAGES.inPlaceUpdate(c.after!, c.destination)),
};

/**
 * A ConfigMap or Secret changed or deleted under a workload that carries traffic and reads it: mounted files change
 * in running pods (kubelet syncs them), and pods that restart or start take other env or fail to start. As much
 * an in-place update as a pod template change, without the Deployment's rollout to watch it.
 */
export const configurationChangedUnderTraffic: TransitionRule = {
  id: 'transition/configuration-in-place',
  readsGates: false,
  description: 'a ConfigMap or Secret that a Deployment carrying traffic reads (volume, env, envFrom) does not change or disappear',
  scope: 'transition',
  check: ({ from, to, carried }) => {
    if (from.configurations.size === 0) return []; // nothing to change: no cost for phases without configuration
    const findings: RuleFinding[] = [];
    for (const { before, after, destination } of carried.values()) {
      if (!before || !after) continue;
      const readers = new Map<string, ConfigurationReference[]>();
      for (const reference of workloadConfigurationReferences(before.object)) {
        const key = workloadKey({ kind: reference.kind, namespace: before.namespace, name: reference.name });
        readers.set(key, [...(readers.get(key) ?? []), reference]);
      }
      for (const [key, references] of readers) {
        const old = from.configurations.get(key);
        const next = to.configurations.get(key);
        if (!old || next === old || !isConfiguration(old)) continue;
        const fields = references.map((r) => `spec.template.spec.${r.field}`);
        if (!next || !isConfiguration(next)) findings.push(MESSAGES.configurationDeleted(key, before, fields, destination));
        else {
          const keys = changedKeys(old, next);
          if (keys.length > 0) findings.push(MESSAGES.configurationChanged(key, before, fields, keys, destination));
        }
      }
    }
    return findings;
  },
};

/**
 * Destinations that are the implicit default route of a Service created or deleted by the transition: a host
 * that starts or stops existing with its pods (a first install, a retired service). Nothing the phases show
 * can call it on the side where it is absent; VirtualServices that route to a deleted one are
 * transition/deleted-while-called.
 */
function hostsComingOrGoing(destinations: readonly ResolvedDestination[]): ReadonlySet<string> {
  return new Set(destinations
    .filter((d) => d.destination.source.kind === 'Service' && (d.serviceBefore === undefined) !== (d.serviceAfter === undefined))
    .map((d) => d.destination.key));
}

/** Whether a VirtualService of S' still routes to the destination, whose Service S' deletes. */
function calledWhileDeleted(d: ResolvedDestination): boolean {
  return d.routedAfter && d.serviceBefore !== undefined && d.serviceAfter === undefined && d.destination.source.kind === 'VirtualService';
}

/** Something traffic depends on disappears, or stops selecting the pods traffic goes to. */
export const removedWhileRouted: TransitionRule = {
  id: 'transition/removed-while-routed',
  readsGates: false,
  description: 'nothing that carries traffic in either phase is removed or stops selecting routed pods',
  scope: 'transition',
  check: ({ from, to, destinations, carried }) => {
    const comingOrGoing = hostsComingOrGoing(destinations);
    const findings: RuleFinding[] = [...carried.values()]
      .filter((c) => c.before && !c.after && !comingOrGoing.has(c.destination.key))
      .map((c) => MESSAGES.workloadRemovedWhileRouted(c.before!, c.destination));
    for (const resolved of destinations) {
      const { destination, serviceBefore, serviceAfter, subsetBefore, subsetAfter } = resolved;
      if (comingOrGoing.has(destination.key)) continue;
      if (serviceBefore && !serviceAfter && !calledWhileDeleted(resolved)) findings.push(MESSAGES.serviceRemovedWhileRouted(destination, serviceBefore.object));
      if (subsetBefore && !subsetAfter) findings.push(MESSAGES.subsetRemovedWhileRouted(destination, subsetBefore.destinationRule));
      for (const workload of backendsOf(destination, serviceBefore, subsetBefore, from) ?? []) {
        const after = to.deployments.get(workload.key);
        if (!after) continue; // reported above as a removed workload
        if (serviceAfter?.selector && !selectorMatches(serviceAfter.selector, after.podLabels)) {
          findings.push(MESSAGES.stopsSelecting(destination, workload, serviceAfter.object));
        }
        if (subsetAfter && !selectorMatches(subsetAfter.labels, after.podLabels)) {
          findings.push(MESSAGES.stopsSelecting(destination, workload, subsetAfter.destinationRule));
        }
      }
    }
    return findings;
  },
};

/**
 * A Gateway deleted while a VirtualService bound to it carried ingress traffic in the previous phase (whether the
 * VirtualService goes with it or not): ingress requests for its hosts find no listener. No other rule sees it,
 * since the routes' Services, subsets and pods all stay.
 */
export const gatewayRemovedWhileServing: TransitionRule = {
  id: 'transition/gateway-removed-while-serving',
  readsGates: false,
  description: 'a Gateway whose bound VirtualServices carried traffic in the previous phase is not deleted',
  scope: 'transition',
  check: ({ from, to }) => {
    const removed = new Set([...from.gateways.keys()].filter((name) => !to.gateways.has(name)));
    if (removed.size === 0) return [];
    const routes = new Map<string, KubeObject[]>();
    for (const { source, namespace } of from.routed) {
      if (source.kind !== 'VirtualService') continue;
      for (const gateway of boundGateways(virtualServiceOf(source), namespace)) {
        const list = routes.get(gateway) ?? [];
        if (removed.has(gateway) && !list.includes(source)) routes.set(gateway, [...list, source]);
      }
    }
    return [...routes].map(([name, virtualServices]) => {
      const gateway = from.gateways.get(name)!;
      const hosts = [...new Set(gatewayOf(gateway).servers.flatMap((server) => server.hosts))];
      return MESSAGES.gatewayRemovedWhileServing(gateway, hosts, virtualServices, from.label);
    });
  },
};

/** A Service deleted while a VirtualService of the next phase (another service's, or an app's) still routes to its host. */
export const deletedWhileCalled: TransitionRule = {
  id: 'transition/deleted-while-called',
  readsGates: false,
  description: 'a Service is deleted only once no VirtualService of the environment routes to its host',
  scope: 'transition',
  check: ({ destinations }) => destinations.filter(calledWhileDeleted)
    .map((d) => MESSAGES.deletedWhileCalled(d.serviceBefore!.object, d.destination)),
};

/** The gates a phase needs before the next phase may remove what it routed to. */
const REMOVAL_GATES = ['propagation', 'drain'] as const;

/**
 * Removal of a workload or subset without propagation and drain after the previous phase (only with plan.json).
 * A pod template change removes too: the rolling update deletes the old pods, which requests of a phase that
 * routed to them may still use when nothing drained them (found by the simulator).
 */
export const removalWithoutGates: TransitionRule = {
  id: 'transition/removal-without-gates',
  readsGates: true,
  description: 'a Deployment, its pods (by a pod template change) or a subset are removed only after a phase whose gates include propagation and drain',
  scope: 'transition',
  check: ({ from, ended, removedSubsets }) => {
    const gates = from.phase.gates;
    if (!gates) return [];
    const missing = REMOVAL_GATES.filter((gate) => !gates[gate]);
    if (missing.length === 0) return [];
    const findings = ended
      .filter(({ before }) => before.object.kind === 'Deployment')
      .map(({ before, after }) => (after
        ? MESSAGES.replacedWithoutGates(before.key, from.label, missing)
        : MESSAGES.removalWithoutGates(before.key, before.key, from.label, missing)));
    for (const { rule, subset } of removedSubsets) {
      const name = resourceName(rule.object);
      findings.push(MESSAGES.removalWithoutGates(name, `subset ${subset} of ${name}`, from.label, missing));
    }
    return findings;
  },
};

/**
 * A Deployment created by a phase, or whose pod template it changes, that the phase's rollout gate does not wait
 * for (only with plan.json): a later phase could route to it while pods start, or while its rolling update deletes old pods.
 */
export const createdWithoutRolloutGate: TransitionRule = {
  id: 'transition/created-without-rollout-gate',
  readsGates: true,
  description: 'a Deployment created by a phase, or whose pod template it changes, is listed in that phase\'s rollout gate',
  scope: 'transition',
  check: ({ to, started }) => {
    const gates = to.phase.gates;
    const deployments = started.filter(({ after }) => after.object.kind === 'Deployment');
    if (!gates || deployments.length === 0) return [];
    const listed = new Set((gates.rollout?.deployments ?? []).map(workloadKey));
    return deployments
      .filter(({ after }) => !listed.has(after.key))
      .map(({ after, before }) => MESSAGES.createdWithoutRolloutGate(after, before !== undefined));
  },
};
