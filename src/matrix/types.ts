/**
 * The version matrix as users write it: services x versions x environments, and per environment
 * which version of each service runs or is being released. The shapes are those of ./schema (where each
 * field is documented, with its default); `defineMatrix` ties the names together at compile time, and
 * `validateMatrix` checks what types cannot express when the matrix is loaded.
 */
import type { z } from 'zod';
import type { EnvironmentSchema, GatesSchema, ReleaseSchema, ResourcesSchema, ServiceSchema, SteadySchema, StrategySchema } from './schema';

/** `T` with every field and list read-only, as `as const` literals are. */
type DeepReadonly<T> = T extends readonly (infer E)[] ? readonly DeepReadonly<E>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** What a user writes for a schema: its input, read-only. */
type Spec<S extends z.ZodType> = DeepReadonly<z.input<S>>;

/** One environment (a namespace of one cluster). */
export type EnvironmentSpec = Spec<typeof EnvironmentSchema>;

/** CPU and memory of one container, as Kubernetes quantities. */
export type ResourceSpec = Spec<typeof ResourcesSchema>;

/** One service: what is common to all its versions. */
export type ServiceSpec = Spec<typeof ServiceSchema>;

/** How traffic moves from the old version to the new one. */
export type StrategySpec = Spec<typeof StrategySchema>;

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
export type GateSpec = Spec<typeof GatesSchema>;

/** A service running one version in an environment, unchanged by this release. */
export type SteadySpec<V extends string = string> = Omit<Spec<typeof SteadySchema>, 'version'> & {
  /** The version that runs. */
  readonly version: V;
};

/** A service moving from one version to another in an environment. */
export type ReleaseSpec<V extends string = string> = Omit<Spec<typeof ReleaseSchema>, 'from' | 'to'> & {
  /** The version live before the release. */
  readonly from: V;
  /** The version live after the release. */
  readonly to: V;
};

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
