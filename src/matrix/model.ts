/** The validated matrix with every default applied: what the planner and the constructs read. */
import type { KubeObject } from '../manifest';
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

/** The gate timings of a release that gives none (the defaults of GatesSchema). */
export const DEFAULT_GATES: Gates = GatesSchema.parse({});
