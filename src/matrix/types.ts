/**
 * The version matrix as users write it: services x versions x environments, and per environment
 * which version of each service runs or is being released. `defineMatrix` ties the names together
 * at compile time; `validateMatrix` checks what types cannot express when the matrix is loaded.
 *
 * The schema that reads a matrix (./schema: each field's range, default and message) is checked at compile
 * time to accept exactly these types. They are written out rather than inferred from it so that users'
 * type-checking never loads the schema library's declarations (zod's need `esModuleInterop`, which cdk8s's
 * project template does not set), and so that editors show each field's documentation.
 */

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
  /** Versions of the service: version name (DNS-1123 label) -> image tag or `sha256:` digest. */
  readonly versions: Readonly<Record<string, string>>;
  /** Container port, also the Service port. */
  readonly port: number;
  /** Istio protocol of the port; the Service port is named after it. @default 'http' */
  readonly protocol?: 'http' | 'http2' | 'grpc';
  /** HTTP path of the readiness probe. */
  readonly readinessPath: string;
  /** HTTP path of the liveness probe. */
  readonly livenessPath: string;
  /** Seconds the preStop hook sleeps so that endpoints and proxies forget a pod before it gets SIGTERM. @default 20 */
  readonly preStopSeconds?: number;
  /** Pod termination grace period; must exceed preStopSeconds. @default preStopSeconds + 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Container resources. @default see ResourceSpec */
  readonly resources?: ResourceSpec;
  /** URI prefix under which environments with ingress hosts expose this service. @default not exposed */
  readonly ingressPath?: string;
  /** Allow the mutable tag `latest` as a version's image. @default false */
  readonly allowMutableTags?: boolean;
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
