/**
 * deployment.ServiceAssociationAnalyzer: the Services selecting a mesh Deployment's pods must not use one port
 * with different protocols, nor one targetPort behind different ports.
 */
import { appendTo, nested } from '../../collections';
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { DeploymentAssociatedToMultipleServices, DeploymentConflictingPorts, listing, report } from '../messages';
import { AnalysisContext, fullName, selectorMatches, writtenNamespace } from '../model';
import { labelsOf, podTemplate, serviceSpec, ServiceView } from '../resources';

const SIDECAR_INJECT = 'sidecar.istio.io/inject';

export const serviceAssociationAnalyzer: Analyzer = {
  name: 'deployment.ServiceAssociationAnalyzer',
  description: 'Checks association between services and pods',
  kinds: ['Service', 'Deployment', 'Namespace'],
  analyze(context) {
    const selecting = selectingServices(context);
    // Deployments with the same namespace and pod labels are selected by the same Services: their conflicts (and
    // the lists the messages name) are computed once and shared, so that output holds each list once.
    const conflictsByPods = new Map<string, Conflicts>();
    return context.ofKind('Deployment')
      .filter((deployment) => !isWaypoint(deployment) && inMesh(deployment, context))
      .flatMap((deployment) => {
        const podsKey = JSON.stringify([writtenNamespace(deployment), Object.entries(podTemplate(deployment).labels).sort()]);
        let conflicts = conflictsByPods.get(podsKey);
        if (conflicts === undefined) {
          const services = selecting(deployment);
          conflicts = { protocols: protocolConflicts(services), targetPorts: targetPortConflicts(services) };
          conflictsByPods.set(podsKey, conflicts);
        }
        const name = deployment.metadata.name;
        return [
          ...conflicts.protocols.map(({ port, services }) =>
            listing(report(DeploymentAssociatedToMultipleServices, deployment, name, port, services), services)),
          ...conflicts.targetPorts.map(({ targetPort, services, ports }) =>
            listing(report(DeploymentConflictingPorts, deployment, name, services, targetPort, ports), services)),
        ];
      });
  },
};

/** The conflicts among the Services that select one set of pods. */
interface Conflicts {
  /** A port that the Services use with different protocols, and those Services (sorted). */
  readonly protocols: readonly { readonly port: number; readonly services: readonly string[] }[];
  /** A targetPort behind different ports: the Services (sorted) and the ports (ascending). */
  readonly targetPorts: readonly { readonly targetPort: string; readonly services: readonly string[]; readonly ports: readonly number[] }[];
}

interface NamedService {
  /** `namespace/name` of the Service. */
  readonly name: string;
  /** Its spec. */
  readonly spec: ServiceView;
}

/** Waypoint proxies are Istio's own Deployments. */
function isWaypoint(deployment: KubeObject): boolean {
  return labelsOf(deployment)['gateway.istio.io/managed'] === 'istio.io-mesh-controller';
}

/** Istio's DeploymentInMesh: an istio-proxy container, else the inject label, annotation, or namespace label decides. */
function inMesh(deployment: KubeObject, context: AnalysisContext): boolean {
  const template = podTemplate(deployment);
  if (template.containers.some((container) => container.name === 'istio-proxy' && container.image !== '')) return true;
  const decided = template.labels[SIDECAR_INJECT] ?? template.annotations[SIDECAR_INJECT];
  if (decided !== undefined) return decided === 'true';
  const namespace = context.find('Namespace', '', writtenNamespace(deployment));
  return namespace !== undefined && labelsOf(namespace)['istio-injection'] === 'enabled';
}

/**
 * The Services (with a selector) that select a Deployment's pods. Each Service's spec is read once, and a
 * Deployment is matched only against the Services of its namespace that select on one of its label pairs.
 */
function selectingServices(context: AnalysisContext): (deployment: KubeObject) => NamedService[] {
  type Indexed = { readonly service: KubeObject; readonly spec: ServiceView; readonly index: number };
  // namespace -> label key -> label value -> Services whose first selector pair that is (values as written).
  const byLabel = new Map<string, Map<string, Map<string, Indexed[]>>>();
  context.ofKind('Service').forEach((service, index) => {
    const spec = serviceSpec(service);
    const [key] = Object.keys(spec.selector);
    if (key !== undefined) appendTo(nested(nested(byLabel, writtenNamespace(service)), key), spec.selector[key], { service, spec, index });
  });
  return (deployment) => {
    const podLabels = podTemplate(deployment).labels;
    const inNamespace = byLabel.get(writtenNamespace(deployment));
    const candidates = Object.entries(podLabels).flatMap(([key, value]) => inNamespace?.get(key)?.get(value) ?? []);
    return candidates
      .filter(({ spec }) => selectorMatches(spec.selector, podLabels))
      .sort((a, b) => a.index - b.index) // input order, as before
      .map(({ service, spec }) => ({ name: fullName(service), spec }));
  };
}

function protocolConflicts(services: readonly NamedService[]): Conflicts['protocols'] {
  // port -> protocol -> service names
  const byPort = new Map<number, Map<string, string[]>>();
  for (const service of services) {
    for (const port of service.spec.ports) appendTo(nested(byPort, port.port), port.protocol, service.name);
  }
  return [...byPort].filter(([, protocols]) => protocols.size > 1).map(([port, protocols]) => ({ port, services: [...protocols.values()].flat().sort() }));
}

function targetPortConflicts(services: readonly NamedService[]): Conflicts['targetPorts'] {
  // targetPort -> port -> service name (the last one wins, as in Istio)
  const byTargetPort = new Map<string, Map<number, string>>();
  for (const service of services) {
    for (const port of service.spec.ports) {
      // An unset targetPort defaults to the port.
      const targetPort = port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '' ? String(port.port) : String(port.targetPort);
      nested(byTargetPort, targetPort).set(port.port, service.name);
    }
  }
  return [...byTargetPort].filter(([, ports]) => ports.size > 1).map(([targetPort, ports]) =>
    ({ targetPort, services: [...ports.values()].sort(), ports: [...ports.keys()].sort((a, b) => a - b) }));
}
