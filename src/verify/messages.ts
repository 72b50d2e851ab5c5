/** Every message and fix text of the verifier, in one place (as Istio's analyzer messages). */
import { KubeObject, resourceName } from '../manifest';
import { AutoscalerView, Labels } from '../model';
import { DeploymentInfo, RouteTarget } from './state';
import { RuleFinding } from './types';

function describe(destination: RouteTarget): string {
  const target = destination.subset === undefined
    ? `every endpoint of ${destination.host}` : `subset ${destination.subset} of ${destination.host}`;
  return `${target} (routed by ${resourceName(destination.source)})`;
}

function labels(selector: Labels): string {
  return `{${Object.entries(selector).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

function finding(object: KubeObject | string, message: string, fix: string): RuleFinding {
  return { object: typeof object === 'string' ? object : resourceName(object), message, fix };
}

/** Builders of rule findings, one per situation. */
export const MESSAGES = {
  subsetUndefined: (destination: RouteTarget) => finding(destination.source,
    `routes to subset ${destination.subset} of ${destination.host}, which no DestinationRule of this phase defines: `
    + 'requests fail with 503 (NR)',
    `add subset ${destination.subset} to the DestinationRule for ${destination.host}, or route to a defined subset`),

  subsetSelectsNothing: (destinationRule: KubeObject, subset: string, host: string, selector: Labels, subsetLabels: Labels) =>
    finding(destinationRule,
      `subset ${subset} of ${host} selects no pods of this phase (Service selector ${labels(selector)}, subset labels ${labels(subsetLabels)})`,
      `add the Deployment whose pod labels match subset ${subset}, or remove the subset`),

  serviceSelectsNothing: (destination: RouteTarget, service: KubeObject) => finding(destination.source,
    `sends traffic to every endpoint of ${destination.host}, but ${resourceName(service)} selects no pods of this phase`,
    'add a Deployment whose pod labels match the Service selector, or correct the selector'),

  invalidWeights: (source: KubeObject, where: string, reason: 'negative' | 'zero-total') => finding(source,
    reason === 'negative' ? `${where} has a negative weight, which Istio rejects`
      : `${where} has several destinations whose weights total 0, which Istio rejects`,
    'give every destination a weight >= 0 and at least one a weight > 0'),

  duplicateObject: (object: KubeObject) => finding(object,
    'is defined more than once in this phase: only one copy can be applied',
    'keep a single definition of the object'),

  routedWithoutReadiness: (workload: DeploymentInfo, container: string, destination: RouteTarget) => finding(workload.key,
    `receives traffic through ${describe(destination)}, but its container ${container} has no readiness probe: its pods count as ready `
    + 'once the container runs, before the app accepts connections, so rollouts pass early and requests reach pods that refuse them',
    `give container ${container} a readinessProbe (httpGet on the serving port, or tcpSocket for a TCP service)`),

  routedBeforeSubset: (destination: RouteTarget, fromLabel: string) => finding(destination.source,
    `sends traffic to ${describe(destination)}, which ${fromLabel} does not define: proxies that receive the route `
    + 'before the DestinationRule answer 503 (NR)',
    `split this phase: add subset ${destination.subset} to the DestinationRule first, route to it in the next phase`),

  notYetSelected: (destination: RouteTarget, workload: DeploymentInfo, selectorOwner: KubeObject, fromLabel: string) =>
    finding(selectorOwner,
      `in ${fromLabel} does not select ${workload.key}, which ${describe(destination)} reaches in this phase: `
      + 'until the change propagates the route has no endpoints',
      `split this phase: make ${resourceName(selectorOwner)} select ${workload.key} first, route to it in the next phase`),

  newWorkloadRouted: (workload: DeploymentInfo, destination: RouteTarget) => finding(workload.key,
    `is created in this phase and already receives traffic through ${describe(destination)}: its pods are not ready yet`,
    `split this phase: create ${workload.key} without traffic first (prepare), route to it in the next phase`),

  inPlaceUpdate: (workload: DeploymentInfo, destination: RouteTarget) => finding(workload.key,
    `changes its pod template while it receives traffic through ${describe(destination)}: an in-place rolling update, `
    + 'which drops requests under Istio',
    'keep this template; ship the change as a new versioned Deployment and move traffic to it through a subset'),

  configurationChanged: (configuration: string, reader: DeploymentInfo, fields: readonly string[], keys: readonly string[], destination: RouteTarget) =>
    finding(configuration,
      `changes ${keys.length === 1 ? 'key' : 'keys'} ${keys.join(', ')} while ${reader.key}, which reads it through ${fields.join(', ')}, `
      + `receives traffic through ${describe(destination)}: an in-place update (running pods see the changed files, pods that restart take `
      + 'the changed env) under traffic, with no rollout to watch or undo',
      `keep ${configuration} unchanged; give the new configuration a new name in the new version (immutable) and move traffic to that version`),

  configurationDeleted: (configuration: string, reader: DeploymentInfo, fields: readonly string[], destination: RouteTarget) =>
    finding(configuration,
      `is deleted while ${reader.key}, which reads it through ${fields.join(', ')}, receives traffic through ${describe(destination)}: `
      + 'its pods that restart or are replaced cannot start (CreateContainerConfigError, volume not found)',
      `split this phase: stop routing to ${reader.key} first, delete ${configuration} with it in a later phase`),

  workloadRemovedWhileRouted: (workload: DeploymentInfo, destination: RouteTarget) => finding(workload.key,
    `is removed while ${describe(destination)} sends it traffic in this phase or the previous one`,
    `split this phase: stop routing to ${workload.key} first (switch), remove it in the next phase`),

  subsetRemovedWhileRouted: (destination: RouteTarget, destinationRule: KubeObject) => finding(destinationRule,
    `no longer defines subset ${destination.subset} while ${describe(destination)} sends traffic to it `
    + 'in this phase or the previous one',
    `split this phase: stop routing to subset ${destination.subset} first, remove it in the next phase`),

  serviceRemovedWhileRouted: (destination: RouteTarget, service: KubeObject) => finding(service,
    `is removed while ${describe(destination)} sends traffic to it in this phase or the previous one`,
    `stop routing to ${destination.host} first, remove the Service in the next phase`),

  deletedWhileCalled: (service: KubeObject, caller: RouteTarget) => finding(service,
    `is deleted while ${resourceName(caller.source)} still routes to its host ${caller.host}: its requests fail with 503 once it is gone`,
    `keep ${resourceName(service)} until ${resourceName(caller.source)} no longer routes to it (change or remove that route first, in an earlier phase)`),

  stopsSelecting: (destination: RouteTarget, workload: DeploymentInfo, selectorOwner: KubeObject) => finding(selectorOwner,
    `no longer selects ${workload.key} in this phase, while ${describe(destination)} sends it traffic`,
    `keep the selector matching ${workload.key} until no route sends it traffic; narrow it in a later phase`),

  gatewayRemovedWhileServing: (gateway: KubeObject, hosts: readonly string[], virtualServices: readonly KubeObject[], fromLabel: string) =>
    finding(gateway,
      `is deleted, but in ${fromLabel} it served hosts ${hosts.join(', ')} for ${virtualServices.map(resourceName).join(', ')}, `
      + 'which carried ingress traffic: requests through the ingress gateway for those hosts find no listener',
      'keep the Gateway (and its VirtualServices) while they carry traffic; stop exposing the hosts deliberately, after clients have moved, in a release of its own'),

  removalWithoutGates: (object: string, removed: string, fromLabel: string, missing: readonly string[]) => finding(object,
    `${removed} is removed, but the gates of ${fromLabel} lack ${missing.join(' and ')}: `
    + 'proxies may still route to it or connections may still use it',
    `add ${missing.join(' and ')} gates to ${fromLabel} in plan.json`),

  replacedWithoutGates: (object: string, fromLabel: string, missing: readonly string[]) => finding(object,
    `its pod template changes, so its rolling update deletes the old pods, but the gates of ${fromLabel} lack ${missing.join(' and ')}: `
    + 'connections that an earlier phase routed there may still use them',
    `add ${missing.join(' and ')} gates to ${fromLabel} in plan.json, or release the change as a new version (a new Deployment)`),

  createdWithoutRolloutGate: (workload: DeploymentInfo, changed: boolean) => finding(workload.key,
    `${changed ? 'changes its pod template' : 'is created'} in this phase, but the phase's rollout gate does not list it: `
    + `the next phase may route to ${changed ? 'old pods that its rolling update is about to delete' : 'pods that are not ready'}`,
    'list it in gates.rollout.deployments of this phase in plan.json'),

  autoscaledReplicas: (workload: DeploymentInfo, autoscaler: KubeObject, replicas: number) => finding(workload.key,
    `sets replicas: ${replicas} while ${resourceName(autoscaler)} scales it: every apply resets the count the autoscaler chose, ` +
    'and a later manifest without replicas resets it to 1',
    'leave spec.replicas out of a Deployment that a HorizontalPodAutoscaler scales'),

  routedBelowCapacity: (workload: DeploymentInfo, host: string, guaranteed: AutoscalerView, carrier: DeploymentInfo, carrierMax: number, fromLabel: string) =>
    finding(workload.key,
      `receives traffic of ${host} that ${carrier.key} carried in ${fromLabel}, where its autoscaler could run ${carrierMax} pods, ` +
      `but its own autoscaler kept only ${guaranteed.minReplicas} there: requests queue or fail until it scales up`,
      `raise its HorizontalPodAutoscaler's minReplicas to ${carrierMax} in ${fromLabel} and wait for it (gates.capacity), as synthesis does while two versions run`),

  raisedWithoutCapacityGate: (autoscaler: KubeObject, target: string, minReplicas: number, created: boolean) => finding(autoscaler,
    `${created ? 'is created' : 'raises minReplicas'} in this phase (${minReplicas} pods of ${target}), but the phase's capacity gate does not wait ` +
    `for them: the next phase may move traffic onto fewer pods`,
    `list ${target} with replicas ${minReplicas} in gates.capacity.deployments of this phase in plan.json`),
};
