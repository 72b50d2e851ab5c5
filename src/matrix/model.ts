/** The validated matrix with every default applied: what the planner and the constructs read. */
import type { KubeObject } from '../manifest';
import { GatesSchema, PROTOCOLS } from './schema';
import type { EnvVar, HorizontalPodAutoscalerBehavior, MetricSpec, Probe } from '../../imports/k8s-workload';
import type { MainContainerSpec, OverridesSpec, PodSecurityLevel, PodSpecExtras, Protocol } from './types';

/** A validated environment. */
export interface Environment {
  /** Environment name (folder under dist/). */
  readonly name: string;
  /** Namespace of all its objects. */
  readonly namespace: string;
  /** Pods per Deployment. */
  readonly replicas: number;
  /** Ingress hosts; empty when nothing is exposed. */
  readonly ingressHosts: readonly string[];
  /** The Pod Security Standard its namespace enforces. */
  readonly podSecurity: PodSecurityLevel;
  /** What runs or is released in this environment, one entry per deployed service, in service declaration order. */
  readonly rollouts: readonly ServiceRollout[];
}

/** A validated service. */
export interface Service {
  /** Service name. */
  readonly name: string;
  /** Image repository without tag. */
  readonly image: string;
  /** Version name -> its image and environment, in declaration order. */
  readonly versions: ReadonlyMap<string, VersionImage>;
  /** Container and Service port. */
  readonly port: number;
  /** Istio protocol; the Service port's name. */
  readonly protocol: Protocol;
  /** Readiness probe of the main container: the one given, an HTTP GET of readinessPath, or (TCP-like protocols) a tcpSocket probe of the port. */
  readonly readinessProbe: Probe;
  /** Liveness probe of the main container: the one given, an HTTP GET of livenessPath, or (TCP-like protocols) a tcpSocket probe of the port. */
  readonly livenessProbe: Probe;
  /** preStop sleep seconds. */
  readonly preStopSeconds: number;
  /** How the preStop hook sleeps: the sleep command, or Kubernetes' sleep action. */
  readonly preStopAction: 'exec' | 'sleep';
  /** More fields of the main container (its probes are readinessProbe and livenessProbe); empty when none. */
  readonly container: MainContainerSpec;
  /** More fields of the pod; empty when none. */
  readonly pod: PodSpecExtras;
  /** Pod labels and annotations besides the product's. */
  readonly podMetadata: { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> };
  /** Its pod settings that leave the restricted Pod Security profile, each with the level it needs; empty when none. */
  readonly podSecurity: readonly PodSecurityException[];
  /** Termination grace period seconds (> preStopSeconds). */
  readonly terminationGracePeriodSeconds: number;
  /** Container resources. */
  readonly resources: {
    readonly requests: Readonly<Record<string, string>>;
    readonly limits: Readonly<Record<string, string>>;
  };
  /** URI prefix exposed through the environment's Gateway, if any. */
  readonly ingressPath?: string;
  /** ConfigMaps, in declaration order: each version has its own. */
  readonly configMaps: readonly ServiceConfigMap[];
  /** Secrets created outside the matrix that the main container reads, in declaration order. */
  readonly secrets: readonly SecretReference[];
  /** Its autoscaler's settings, if it has one (the replica bounds of each environment are in {@link ServiceRollout.autoscaling}). */
  readonly autoscaling?: Omit<Autoscaling, 'minReplicas'> & { readonly minReplicas?: number };
}

/** A ConfigMap of a service, as each of its versions has it. */
export interface ServiceConfigMap {
  /** The declared name (what a pod spec refers to; rendered as `<service>-<version>-<name>`). */
  readonly name: string;
  /** Its data per version (every version of the service), the version's keys over the common ones. */
  readonly data: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Where the main container mounts it, if it does. */
  readonly mountPath?: string;
  /** Whether its keys are environment variables of the main container. */
  readonly asEnv: boolean;
}

/** A Secret created outside the matrix that the main container reads. */
export interface SecretReference {
  /** The Secret's name. */
  readonly name: string;
  /** Where the main container mounts it, if it does. */
  readonly mountPath?: string;
  /** Whether its keys are environment variables of the main container. */
  readonly asEnv: boolean;
}

/** Whether a protocol is routed as TCP (weighted `tcp` routes, tcpSocket probes, no ingress path). */
export function isTcpProtocol(protocol: Protocol): boolean {
  return (PROTOCOLS.tcp as readonly string[]).includes(protocol);
}

/** One version's image and environment. */
export interface VersionImage {
  /** Full image reference: `repository:tag` or `repository@sha256:...`. */
  readonly image: string;
  /** Environment variables of the main container, over the service's; empty when none. */
  readonly env: readonly EnvVar[];
}

/** A pod setting that leaves the restricted Pod Security profile. */
export interface PodSecurityException {
  /** The least permissive level that allows it. */
  readonly level: Exclude<PodSecurityLevel, 'restricted'>;
  /** Path of the setting in the matrix, e.g. `services.reviews.container.securityContext.runAsUser`. */
  readonly path: string;
  /** Its path as keys and list indices. */
  readonly segments: readonly (string | number)[];
  /** What it does, e.g. `runs as root (runAsUser: 0)`. */
  readonly reason: string;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) of each version Deployment of a service in one environment. */
export interface Autoscaling {
  /** Fewest pods per Deployment (1..maxReplicas). */
  readonly minReplicas: number;
  /** Most pods per Deployment. */
  readonly maxReplicas: number;
  /** autoscaling/v2 metrics (at least one). */
  readonly metrics: readonly MetricSpec[];
  /** autoscaling/v2 behavior; Kubernetes' when absent. */
  readonly behavior?: HorizontalPodAutoscalerBehavior;
}

/** Validated gate timings of a release. */
export interface Gates {
  /** Minimum propagation wait in seconds. */
  readonly propagationSeconds: number;
  /** Drain time in seconds before removal. */
  readonly drainSeconds: number;
  /** Rollout timeout in seconds. */
  readonly rolloutTimeoutSeconds: number;
  /** Observation time per canary step in seconds. */
  readonly observeSeconds: number;
}

/** A service in an environment: steady (from === to, no steps) or released. */
export interface ServiceRollout {
  /** The service. */
  readonly service: Service;
  /** Version live before the release (the only version when steady). */
  readonly from: string;
  /** Version live after the release (equals `from` when steady). */
  readonly to: string;
  /** Canary weights of the new version; empty for blue/green and steady services. */
  readonly canarySteps: readonly number[];
  /** Gate timings. */
  readonly gates: Gates;
  /** What differs for the service in this environment; empty when nothing. */
  readonly overrides: OverridesSpec;
  /** The autoscaler of each of its version Deployments in this environment; absent: the environment's fixed replicas. */
  readonly autoscaling?: Autoscaling;
  /** Objects running outside the phase model that the plan adopts first (server-set metadata removed, in the environment's namespace); empty when nothing is adopted. */
  readonly adopted: readonly KubeObject[];
  /** Whether the service leaves the environment (its version is routed away, drained and deleted). */
  readonly retiring: boolean;
}

/** A validated matrix. */
export interface Matrix {
  /** Services in declaration order. */
  readonly services: readonly Service[];
  /** Environments in declaration order. */
  readonly environments: readonly Environment[];
}

/** True when the service changes version in its environment. */
export function isRelease(rollout: ServiceRollout): boolean {
  return rollout.from !== rollout.to;
}

/** True when the service is routed through the environment's Gateway: the environment lists ingress hosts and the service an ingress path. */
export function isExposed(environment: Environment, service: Service): boolean {
  return environment.ingressHosts.length > 0 && service.ingressPath !== undefined;
}

/** Each environment's autoscalers by service, built on first use (a workload asks once per version). */
const autoscalersByEnvironment = new WeakMap<Environment, ReadonlyMap<string, Autoscaling>>();

/** The autoscaler of the service's Deployments in the environment, if it has one. */
export function autoscalingOf(environment: Environment, service: Service): Autoscaling | undefined {
  let byService = autoscalersByEnvironment.get(environment);
  if (byService === undefined) {
    byService = new Map(environment.rollouts.flatMap((r) => (r.autoscaling ? [[r.service.name, r.autoscaling] as const] : [])));
    autoscalersByEnvironment.set(environment, byService);
  }
  return byService.get(service.name);
}

/** The gate timings of a release that gives none (the defaults of GatesSchema). */
export const DEFAULT_GATES: Gates = GatesSchema.parse({});
