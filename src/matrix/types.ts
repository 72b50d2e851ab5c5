/**
 * The version matrix as users write it: services x versions x environments, and per environment
 * which version of each service runs or is being released. `defineMatrix` ties the names together
 * at compile time; `validateMatrix` checks what types cannot express when the matrix is loaded.
 *
 * The schema that reads a matrix (./schema: each field's range, default and message) is checked at compile
 * time to accept exactly these types. They are written out rather than inferred from it so that users'
 * type-checking never loads the schema library's declarations (zod's need `esModuleInterop`, which cdk8s's
 * project template does not set), and so that editors show each field's documentation.
 *
 * Kubernetes-shaped fields use Kubernetes 1.27's own types and names (imports/k8s-workload.ts), so that
 * what users have in a manifest can be pasted.
 */
import type { Affinity, Container, EnvVar, HorizontalPodAutoscalerBehavior, MetricSpec, PodSpec, Toleration, TopologySpreadConstraint } from '../../imports/k8s-workload';

/** The Pod Security Standards, from the strictest. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** One environment (a namespace of one cluster). */
export interface EnvironmentSpec {
  /** Namespace that holds every object of this environment (DNS-1123 label). */
  readonly namespace: string;
  /** Pods per Deployment. @default 2 */
  readonly replicas?: number;
  /**
   * Hosts served by an Istio ingress Gateway (`*`, `*.example.com`, `shop.example.com`). Only services
   * with an `ingressPath` are routed through it. @default none: no Gateway, nothing exposed
   */
  readonly ingressHosts?: readonly string[];
  /**
   * The Pod Security Standard the namespace enforces; a service whose pod settings leave the restricted
   * profile needs their level here, and PLAN.md lists each such setting. @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Per service with `autoscaling`: its replica bounds in this environment. @default the service's bounds */
  readonly autoscaling?: Readonly<Record<string, AutoscalingBoundsSpec>>;
}

/** An autoscaler's replica bounds in one environment. */
export interface AutoscalingBoundsSpec {
  /** Fewest pods per Deployment here. @default the service's minReplicas */
  readonly minReplicas?: number;
  /** Most pods per Deployment here. @default the service's maxReplicas */
  readonly maxReplicas?: number;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) per version Deployment, with Kubernetes' field names. */
export interface AutoscalingSpec {
  /** Fewest pods per Deployment. @default the environment's replicas */
  readonly minReplicas?: number;
  /** Most pods per Deployment; also what each version runs while two versions run side by side. */
  readonly maxReplicas: number;
  /** autoscaling/v2 metrics. @default CPU utilization of 80% of the requested CPU */
  readonly metrics?: readonly MetricSpec[];
  /** autoscaling/v2 scale-up and scale-down behavior. @default Kubernetes' */
  readonly behavior?: HorizontalPodAutoscalerBehavior;
}

/** CPU and memory of one container, as Kubernetes quantities. */
export interface ResourceSpec {
  /** Requested CPU and memory. @default { cpu: '100m', memory: '128Mi' } */
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  /** CPU and memory limits. @default { memory: '256Mi' } (no CPU limit, to avoid throttling) */
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** One service: what is common to all its versions. */
export interface ServiceSpec {
  /** Image repository without tag, e.g. `sdaschner/coffee-shop`. */
  readonly image: string;
  /** Versions of the service: version name (DNS-1123 label) -> image tag or `sha256:` digest, or { image, tag, env }. */
  readonly versions: Readonly<Record<string, VersionSpec>>;
  /** Container port, also the Service port. */
  readonly port: number;
  /**
   * Istio protocol of the port; the Service port is named after it. HTTP-like (http, http2, grpc, grpc-web): `http`
   * routes. TCP-like (tcp, mongo, mysql, redis): weighted `tcp` routes, no ingressPath, tcpSocket probes. @default 'http'
   */
  readonly protocol?: Protocol;
  /** HTTP path of the readiness probe (on the service port). @default none: required for HTTP-like protocols unless container.readinessProbe is given; a tcpSocket probe for TCP-like ones */
  readonly readinessPath?: string;
  /** HTTP path of the liveness probe (on the service port). @default none: required for HTTP-like protocols unless container.livenessProbe is given; a tcpSocket probe for TCP-like ones */
  readonly livenessPath?: string;
  /** Seconds the preStop hook sleeps so that endpoints and proxies forget a pod before it gets SIGTERM. @default 20 */
  readonly preStopSeconds?: number;
  /** Pod termination grace period; must exceed preStopSeconds. @default preStopSeconds + 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Container resources. @default see ResourceSpec */
  readonly resources?: ResourceSpec;
  /** How the preStop hook waits: `exec` runs `sleep` in the container, `sleep` is Kubernetes' native action (1.29+). @default 'exec' */
  readonly preStopAction?: 'exec' | 'sleep';
  /** More fields of the main container (env, envFrom, command, args, ports, volumeMounts, probes, securityContext...). @default none */
  readonly container?: MainContainerSpec;
  /** More fields of the pod (volumes, initContainers, other containers, serviceAccountName, scheduling, securityContext...). @default none */
  readonly pod?: PodSpecExtras;
  /** Labels and annotations of the pods, besides app and version. @default none */
  readonly podMetadata?: PodMetadataSpec;
  /** URI prefix under which environments with ingress hosts expose this service. @default not exposed */
  readonly ingressPath?: string;
  /** Allow the mutable tag `latest` as a version's image. @default false */
  readonly allowMutableTags?: boolean;
  /** ConfigMaps by name: each version gets its own, immutable, `<service>-<version>-<name>`. @default none */
  readonly configMaps?: Readonly<Record<string, ConfigMapSpec>>;
  /** Secrets created outside the matrix that the main container reads, by name (never their values). @default none */
  readonly secrets?: Readonly<Record<string, SecretReferenceSpec>>;
  /** A HorizontalPodAutoscaler per version Deployment, which then owns its replica count. @default none */
  readonly autoscaling?: AutoscalingSpec;
}

/** Istio port protocols a service can have: HTTP-like ones, then TCP-like ones. */
export type Protocol = 'http' | 'http2' | 'grpc' | 'grpc-web' | 'tcp' | 'mongo' | 'mysql' | 'redis';

/** A ConfigMap of a service: data common to every version, with per-version differences. */
export interface ConfigMapSpec {
  /** Keys and string values of every version (at most 1 MiB in all). @default {} */
  readonly data?: Readonly<Record<string, string>>;
  /** Per version: keys and values that replace or add to those of `data`. @default none */
  readonly versions?: Readonly<Record<string, { readonly data: Readonly<Record<string, string>> }>>;
  /** Directory where the main container mounts it read-only, one file per key. @default not mounted */
  readonly mountPath?: string;
  /** Whether every key becomes an environment variable of the main container (envFrom). @default false */
  readonly asEnv?: boolean;
}

/** A Secret created outside the matrix (never its values: `data` and `stringData` are refused). */
export interface SecretReferenceSpec {
  /** Directory where the main container mounts it read-only, one file per key. @default not mounted */
  readonly mountPath?: string;
  /** Whether every key becomes an environment variable of the main container (envFrom). @default false */
  readonly asEnv?: boolean;
  /** Refused: create the Secret outside the matrix and reference it by name. */
  readonly data?: never;
  /** Refused: create the Secret outside the matrix and reference it by name. */
  readonly stringData?: never;
}

/** One version: its image tag or `sha256:` digest (the short form), or its own image repository and environment. */
export type VersionSpec = string | {
  /** Image repository of this version. @default the service's image */
  readonly image?: string;
  /** Image tag or `sha256:` digest of the version. */
  readonly tag: string;
  /** Environment variables of this version's main container, over the service's (by name). @default none */
  readonly env?: readonly EnvVar[];
};

/** Fields of the main container that the product sets (name, image, resources). */
export type OwnedContainerField = 'name' | 'image' | 'resources';

/** The main container's fields beyond those the product sets: a Kubernetes Container without name, image and resources. */
export type MainContainerSpec = Readonly<Omit<Container, OwnedContainerField>>;

/** The pod's fields beyond those the product sets: `containers` are those besides the main one. */
export type PodSpecExtras = Readonly<Omit<PodSpec, 'terminationGracePeriodSeconds' | 'containers'> & Partial<Pick<PodSpec, 'containers'>>>;

/** Labels and annotations of a service's pods. */
export interface PodMetadataSpec {
  /** Labels, besides app and version. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations (e.g. prometheus.io/scrape), besides proxy.istio.io/config. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What differs for one service in one environment. */
export interface OverridesSpec {
  /** Pods per Deployment of this service here. @default the environment's replicas */
  readonly replicas?: number;
  /** CPU and memory here, each amount over the service's. @default the service's */
  readonly resources?: ResourceSpec;
  /** Environment variables of the main container here, over the service's and the version's (by name). @default none */
  readonly env?: readonly EnvVar[];
  /** The pods' nodeSelector here. @default the service's */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** The pods' tolerations here. @default the service's */
  readonly tolerations?: readonly Toleration[];
  /** The pods' affinity here. @default the service's */
  readonly affinity?: Affinity;
  /** The pods' topology spread constraints here. @default the service's */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  /** The pods' priorityClassName here. @default the service's */
  readonly priorityClassName?: string;
}

/** How traffic moves from the old version to the new one. */
export type StrategySpec =
  | { readonly type: 'blueGreen' }
  | { readonly type: 'canary'; readonly steps: readonly number[] };

/** Factories for release strategies. */
export class Strategy {
  /** Route all traffic from the old version to the new one in one phase. */
  public static blueGreen(): StrategySpec {
    return { type: 'blueGreen' };
  }

  /** Route `steps` percent (strictly ascending, 1..99) to the new version, one phase per step, then all of it. */
  public static canary(...steps: number[]): StrategySpec {
    return { type: 'canary', steps };
  }

  private constructor() {}
}

/** Waiting times between phases. */
export interface GateSpec {
  /** Minimum seconds for Istio config to reach every proxy (used when istiod does not report status). @default 5 */
  readonly propagationSeconds?: number;
  /** Seconds for clients to finish keep-alive connections before the old version is removed. @default 30 */
  readonly drainSeconds?: number;
  /** Seconds a new Deployment may take to become ready. @default 600 */
  readonly rolloutTimeoutSeconds?: number;
  /** Seconds to observe each canary step before the next. @default 0 */
  readonly observeSeconds?: number;
}

/**
 * A Kubernetes object already running in the environment outside the phase model, as `kubectl get -o yaml`
 * shows it (its server-set metadata and status are ignored).
 */
export interface RunningObjectSpec {
  /** `apps/v1` for a Deployment, `v1` for a Service, `networking.istio.io/v1` (or another version of that group) for a VirtualService. */
  readonly apiVersion: string;
  /** Deployment, Service or VirtualService. */
  readonly kind: 'Deployment' | 'Service' | 'VirtualService';
  /** Name, namespace (the environment's; @default the environment's), labels and annotations; other fields are ignored. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The object's spec, as it runs. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** Ignored (kubectl shows it). @default none */
  readonly status?: unknown;
}

/** A service that already runs outside the phase model, moved into it make-before-break before anything else changes. */
export interface AdoptSpec {
  /** The running objects of the service: its Deployments (at least one), its Service and VirtualService named like it if it has them. */
  readonly objects: readonly RunningObjectSpec[];
}

/** A service running one version in an environment, unchanged by this release. */
export interface SteadySpec<V extends string = string> {
  /** The version that runs. */
  readonly version: V;
  /** What differs for this service in this environment. @default nothing */
  readonly overrides?: OverridesSpec;
  /** The service already runs outside the phase model: the plan first moves its pods into it (see AdoptSpec). @default nothing adopted */
  readonly adopt?: AdoptSpec;
  /** The service leaves the environment: the plan stops routing to it, drains and deletes its objects. @default false */
  readonly retire?: boolean;
}

/** A service moving from one version to another in an environment. */
export interface ReleaseSpec<V extends string = string> {
  /** The version live before the release. */
  readonly from: V;
  /** The version live after the release. */
  readonly to: V;
  /** How traffic moves. @default Strategy.blueGreen() */
  readonly strategy?: StrategySpec;
  /** Waiting times between phases. @default see GateSpec */
  readonly gates?: GateSpec;
  /** What differs for this service in this environment. @default nothing */
  readonly overrides?: OverridesSpec;
}

/** Names of the declared versions of a service spec. */
export type VersionOf<S> = S extends { readonly versions: infer Vs } ? Extract<keyof Vs, string> : never;

/** The whole matrix, untyped names (the shape of a YAML or JSON matrix file). */
export interface MatrixSpec {
  /** Environments by name (DNS-1123 label, used as the folder name under dist/). */
  readonly environments: Readonly<Record<string, EnvironmentSpec>>;
  /** Services by name (DNS-1035 label, used as the Kubernetes Service name). */
  readonly services: Readonly<Record<string, ServiceSpec>>;
  /** Per environment, per service: the version that runs, or a release. A service absent here is not deployed there. */
  readonly releases: Readonly<Record<string, Readonly<Record<string, SteadySpec | ReleaseSpec>>>>;
}

/**
 * Declares a matrix with compile-time checks: a release can only name declared environments,
 * services and versions of that service. Returns the matrix unchanged (validate it with `validateMatrix`).
 */
export function defineMatrix<const E extends string, const S extends Readonly<Record<string, ServiceSpec>>>(matrix: {
  readonly environments: Readonly<Record<E, EnvironmentSpec>>;
  readonly services: S;
  readonly releases: {
    readonly [Env in NoInfer<E>]?: {
      readonly [Svc in keyof NoInfer<S>]?: SteadySpec<VersionOf<NoInfer<S>[Svc]>> | ReleaseSpec<VersionOf<NoInfer<S>[Svc]>>;
    };
  };
}): MatrixSpec {
  return matrix as MatrixSpec;
}
