/** The validated matrix with every default applied: what the planner and the constructs read. */
import type { HorizontalPodAutoscalerBehavior, MetricSpec } from '../../imports/k8s-workload';
import { GatesSchema } from './schema';

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
  /** What runs or is released in this environment, one entry per deployed service, in service declaration order. */
  readonly rollouts: readonly ServiceRollout[];
}

/** A validated service. */
export interface Service {
  /** Service name. */
  readonly name: string;
  /** Image repository without tag. */
  readonly image: string;
  /** Version name -> image tag or digest, in declaration order. */
  readonly versions: ReadonlyMap<string, string>;
  /** Container and Service port. */
  readonly port: number;
  /** Istio protocol; the Service port's name. */
  readonly protocol: 'http' | 'http2' | 'grpc';
  /** Readiness probe path. */
  readonly readinessPath: string;
  /** Liveness probe path. */
  readonly livenessPath: string;
  /** preStop sleep seconds. */
  readonly preStopSeconds: number;
  /** Termination grace period seconds (> preStopSeconds). */
  readonly terminationGracePeriodSeconds: number;
  /** Container resources. */
  readonly resources: {
    readonly requests: Readonly<Record<string, string>>;
    readonly limits: Readonly<Record<string, string>>;
  };
  /** URI prefix exposed through the environment's Gateway, if any. */
  readonly ingressPath?: string;
  /** Its autoscaler's settings, if it has one (the replica bounds of each environment are in {@link ServiceRollout.autoscaling}). */
  readonly autoscaling?: Omit<Autoscaling, 'minReplicas'> & { readonly minReplicas?: number };
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
  /** The autoscaler of each of its version Deployments in this environment; absent: the environment's fixed replicas. */
  readonly autoscaling?: Autoscaling;
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
