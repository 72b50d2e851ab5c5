/**
 * What refers across the workload fields of a service, which the Kubernetes schema cannot check: mounts of
 * declared volumes, unique container, port and volume names, port names Istio reads a protocol from, probes
 * on declared ports, the fields the phase model owns (pod labels app and version, the preStop hook), and no
 * secret as a literal environment value. Pure: each problem is reported with the path of its field.
 */
import type { Container, ContainerPort, EnvVar, Probe } from '../../imports/k8s-workload';
import type { MainContainerSpec, OverridesSpec, PodMetadataSpec, PodSpecExtras } from './types';
import { printPath } from './field-path';
import { PROTOCOLS } from './schema';

type Segments = readonly (string | number)[];
/** Reports a problem at a path. */
export type Report = (segments: Segments, message: string) => void;

/** The product's writable /tmp: an emptyDir volume named `tmp`, mounted in the main container. */
export const TMP_VOLUME = { name: 'tmp', mountPath: '/tmp' } as const;

/** True when the product adds its `tmp` volume: the user declares no volume of that name and mounts nothing at /tmp in the main container. */
export function addsTmpVolume(container: MainContainerSpec, pod: PodSpecExtras): boolean {
  return !(pod.volumes ?? []).some((v) => v.name === TMP_VOLUME.name) && !(container.volumeMounts ?? []).some((m) => m.mountPath === TMP_VOLUME.mountPath);
}

/** Istio's protocols, read from a port name `<protocol>[-<suffix>]` (https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/). */
const ISTIO_PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'] as const;
/** A port name Kubernetes accepts (IANA_SVC_NAME): at most 15 lowercase letters, digits and -, a letter among them, no -- and no - at either end. */
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;

/** Why a port name breaks Istio's protocol selection or Kubernetes' port names, or undefined when it does not. */
export function portNameProblem(name: string): string | undefined {
  if (name.length > 15 || !IANA_SVC_NAME.test(name)) {
    return `${JSON.stringify(name)} is not a port name (at most 15 lowercase letters, digits and -, with a letter, no -- and no - at either end)`;
  }
  const follows = ISTIO_PROTOCOLS.some((protocol) => name === protocol || name.startsWith(`${protocol}-`));
  return follows ? undefined : `${JSON.stringify(name)} does not name its protocol as Istio reads it: <protocol>[-<suffix>] with a protocol of ` +
    `${ISTIO_PROTOCOLS.join(', ')} (e.g. "http-metrics", "tcp-admin"); Istio would not know how to route it`;
}

/**
 * An environment variable name that says it holds a secret: its last word is or ends in one of these
 * (DB_PASSWORD, API_TOKEN, CLIENT_SECRET, API_KEY, but not PASSWORD_FILE or TOKEN_URL, which name where one is).
 */
const SECRET_WORD = /(^|[_.-])([A-Z0-9]*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIALS?)|KEY|APIKEY)$/i;

/** Reports each variable whose name says it holds a secret and that gives it as a literal value. */
export function checkEnv(report: Report, env: readonly EnvVar[] | undefined, at: Segments): void {
  (env ?? []).forEach((variable, index) => {
    checkName(report, variable.name, 'envName', [...at, index, 'name']);
    if (variable.value !== undefined && variable.value !== '' && SECRET_WORD.test(variable.name)) {
      report([...at, index, 'value'], `${JSON.stringify(variable.name)} looks like a secret: a literal value would be written into every phase ` +
        'folder; give valueFrom.secretKeyRef (a Secret created outside the matrix) instead');
    }
  });
}

/** What Kubernetes accepts as the names the pod template holds (those the API server would refuse are refused here, with their path). */
const NAME_RULES = {
  label: { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, max: 63, valid: 'a DNS-1123 label (lowercase letters, digits and -, at most 63 characters)' },
  subdomain: { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, max: 253, valid: 'a DNS-1123 subdomain (lowercase letters, digits, - and ., at most 253 characters)' },
  envName: { pattern: /^[-._a-zA-Z][-._a-zA-Z0-9]*$/, max: 1024, valid: 'an environment variable name (letters, digits, _, - and ., not starting with a digit)' },
  labelKey: {
    pattern: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, max: 317,
    valid: 'a label or annotation key ([prefix/]name: a name of at most 63 letters, digits, -, _ and ., the prefix a DNS subdomain)',
  },
  labelValue: { pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, max: 63, valid: 'a label value (at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit)' },
} as const;

/** Reports `name` at `at` unless it is what `rule` allows. */
function checkName(report: Report, name: string | undefined, rule: keyof typeof NAME_RULES, at: Segments): void {
  const { pattern, max, valid } = NAME_RULES[rule];
  if (name !== undefined && (name.length > max || !pattern.test(name))) report(at, `${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)} is not ${valid}`);
}

/** Reports each key (and, for labels, each value) of a mapping of labels or annotations that Kubernetes would refuse. */
function checkLabels(report: Report, labels: Readonly<Record<string, string>> | undefined, at: Segments, values: boolean): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    checkName(report, key, 'labelKey', [...at, key]);
    if (values) checkName(report, value, 'labelValue', [...at, key]);
  }
}

/** The first index of each value, reporting each later one with `message`. */
function unique<T>(items: readonly T[], key: (item: T) => string | undefined, report: (index: number, value: string, first: number) => void): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    const first = seen.get(value);
    if (first !== undefined) report(index, value, first);
    else seen.set(value, index);
  });
}

/** A container as the checks see it: where it is, its ports (the main container's with the service port) and its fields. */
interface CheckedContainer {
  readonly at: Segments;
  readonly name: string;
  readonly ports: readonly ContainerPort[];
  /** Index in `ports` of the first port given by the user (the main container's service port comes first). */
  readonly firstUserPort: number;
  readonly spec: MainContainerSpec | Container;
}

/** What the checks read of a service. */
export interface WorkloadFields {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly container?: MainContainerSpec;
  readonly pod?: PodSpecExtras;
  readonly podMetadata?: PodMetadataSpec;
}

/**
 * Each probe is given once: as a path (readinessPath, livenessPath) or as a Kubernetes probe of the container.
 * Reads the service as given, so that a missing one is reported also when other fields are wrong.
 */
export function checkProbeForms(report: Report, at: Segments, service: Readonly<Record<string, unknown>>): void {
  const container = service.container !== null && typeof service.container === 'object' ? service.container as Readonly<Record<string, unknown>> : {};
  // TCP-like protocols are probed by a TCP connect without either form (an unsupported protocol is the schema's to report).
  const protocol = service.protocol ?? 'http';
  if (typeof protocol !== 'string' || ![...PROTOCOLS.http, ...PROTOCOLS.tcp].includes(protocol as never)) return;
  const tcpLike = (PROTOCOLS.tcp as readonly string[]).includes(protocol);
  for (const [path, probe] of [['readinessPath', 'readinessProbe'], ['livenessPath', 'livenessProbe']] as const) {
    if (service[path] !== undefined && container[probe] !== undefined) {
      report([...at, 'container', probe], `replaces ${path}: give one of them, not both`);
    } else if (service[path] === undefined && container[probe] === undefined && !tcpLike) {
      report([...at, path], `required field is missing (an HTTP path for protocol ${protocol}, or a Kubernetes probe as container.${probe}; ` +
        `only ${PROTOCOLS.tcp.join(', ')} are probed by tcpSocket without one)`);
    }
  }
}

/** Labels the phase model selects by, with what selects by them. */
const OWNED_LABELS: Readonly<Record<string, string>> = {
  app: 'the Service selects the pods by app, set to the service name',
  version: 'the DestinationRule subsets select the pods by version, set to the version name',
};
const OWNED_ANNOTATIONS: Readonly<Record<string, string>> = {
  'proxy.istio.io/config': 'the sidecar is held until the proxy starts and drains for preStopSeconds (the product sets this annotation)',
};

/** Checks the workload fields of one service (at `services.<name>`). */
export function checkWorkload(report: Report, at: Segments, service: WorkloadFields): void {
  const container = service.container ?? {};
  const pod = service.pod ?? {};
  for (const [label, reason] of Object.entries(OWNED_LABELS)) {
    if (service.podMetadata?.labels?.[label] !== undefined) report([...at, 'podMetadata', 'labels', label], `is set by cdk8s-phased-rollout: ${reason}`);
  }
  for (const [annotation, reason] of Object.entries(OWNED_ANNOTATIONS)) {
    if (service.podMetadata?.annotations?.[annotation] !== undefined) report([...at, 'podMetadata', 'annotations', annotation], `is set by cdk8s-phased-rollout: ${reason}`);
  }
  checkLabels(report, service.podMetadata?.labels, [...at, 'podMetadata', 'labels'], true);
  checkLabels(report, service.podMetadata?.annotations, [...at, 'podMetadata', 'annotations'], false);
  checkLabels(report, pod.nodeSelector, [...at, 'pod', 'nodeSelector'], true);
  checkName(report, pod.serviceAccountName, 'subdomain', [...at, 'pod', 'serviceAccountName']);
  checkName(report, pod.priorityClassName, 'subdomain', [...at, 'pod', 'priorityClassName']);
  if (container.lifecycle?.preStop !== undefined) {
    report([...at, 'container', 'lifecycle', 'preStop'], 'is set by cdk8s-phased-rollout from preStopSeconds and preStopAction (set those instead)');
  }
  const main: CheckedContainer = {
    at: [...at, 'container'], name: service.name, spec: container, firstUserPort: 1,
    ports: [{ name: service.protocol, containerPort: service.port, protocol: 'TCP' }, ...(container.ports ?? [])],
  };
  const others = (field: 'containers' | 'initContainers'): CheckedContainer[] => (pod[field] ?? []).map((spec, index) => ({
    at: [...at, 'pod', field, index], name: spec.name, spec, ports: spec.ports ?? [], firstUserPort: 0,
  }));
  const containers = [main, ...others('containers'), ...others('initContainers')];
  unique(containers, (c) => c.name, (index, name, first) => report([...containers[index].at, 'name'], first === 0
    ? `"${name}" is the main container's name (the service's): give the main container's fields under container, not as another container`
    : `"${name}" is also the name of ${printPath(containers[first].at.slice(at.length))} (each container needs its own name)`));

  containers.slice(1).forEach((c) => checkName(report, c.name, 'label', [...c.at, 'name']));
  const volumes = pod.volumes ?? [];
  volumes.forEach((v, index) => checkName(report, v.name, 'label', [...at, 'pod', 'volumes', index, 'name']));
  unique(volumes, (v) => v.name, (index, name) => report([...at, 'pod', 'volumes', index, 'name'], `volume "${name}" is declared twice`));
  const declared = new Set([...volumes.map((v) => v.name), ...(addsTmpVolume(container, pod) ? [TMP_VOLUME.name] : [])]);
  const declaredList = [...declared].join(', ') || 'none';

  for (const checked of containers) {
    const { spec } = checked;
    const mounts = spec.volumeMounts ?? [];
    mounts.forEach((mount, index) => {
      if (!declared.has(mount.name)) {
        report([...checked.at, 'volumeMounts', index, 'name'], `mounts volume "${mount.name}", which pod.volumes does not declare (declared: ${declaredList})`);
      }
    });
    unique(mounts, (m) => m.mountPath, (index, path) => report([...checked.at, 'volumeMounts', index, 'mountPath'], `"${path}" is mounted twice in this container`));
    const portAt = (index: number) => [...checked.at, 'ports', index - checked.firstUserPort];
    checked.ports.forEach((port, index) => {
      if (index < checked.firstUserPort || port.name === undefined) return;
      const problem = portNameProblem(port.name);
      if (problem !== undefined) report([...portAt(index), 'name'], problem);
    });
    const serviceOwned = (index: number) => (index < checked.firstUserPort ? ` (the service's port, named after its protocol ${service.protocol})` : '');
    unique(checked.ports, (p) => p.name, (index, name, first) => report([...portAt(index), 'name'], `port name "${name}" is already taken${serviceOwned(first)}`));
    unique(checked.ports, (p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`, (index, number, first) =>
      report([...portAt(index), 'containerPort'], `port ${number} is already declared${serviceOwned(first)}`));
    const portNames = checked.ports.map((p) => p.name).filter((n): n is string => n !== undefined);
    for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      const probe: Probe | undefined = spec[kind];
      for (const [action, port] of [['httpGet', probe?.httpGet?.port], ['tcpSocket', probe?.tcpSocket?.port]] as const) {
        if (typeof port === 'string' && !portNames.includes(port)) {
          report([...checked.at, kind, action, 'port'], `"${port}" is not a port of this container (its named ports: ${portNames.join(', ') || 'none'})`);
        }
      }
    }
    checkEnv(report, spec.env, [...checked.at, 'env']);
  }
}

/** Checks a release entry's overrides (at `releases.<env>.<service>.overrides`): no literal secret, names Kubernetes accepts. */
export function checkOverrides(report: Report, overrides: OverridesSpec | undefined, at: Segments): void {
  checkEnv(report, overrides?.env, [...at, 'env']);
  checkLabels(report, overrides?.nodeSelector, [...at, 'nodeSelector'], true);
  checkName(report, overrides?.priorityClassName, 'subdomain', [...at, 'priorityClassName']);
}
