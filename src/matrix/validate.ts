/**
 * Load-time validation of a matrix, whatever it came from (TypeScript, YAML, JSON): every problem is
 * reported with the path of the offending field and what would be valid, all at once. The fields, their
 * values and defaults are those of ./schema; this module adds what refers across entries (declared
 * environments, services and versions, generated names that must not collide, overlapping ingress paths).
 */
import { z } from './zod';
import { Autoscaling, DEFAULT_GATES, Environment, isExposed, isTcpProtocol, Matrix, SecretReference, Service, ServiceConfigMap, ServiceRollout, VersionImage } from './model';
import { behaviorProblems, DEFAULT_METRICS, metricProblems } from './autoscaling';
import { configMapName, deploymentName, gatewayVirtualServiceName, RESERVED_FOLDER_NAMES } from './naming';
import {
  AutoscalingSchema, EnvironmentSchema, GRACE_PERIOD_MARGIN_SECONDS, MatrixSchema, MAX_ENTRIES, NAMES, ReleaseSchema, ServiceSchema, SteadySchema,
  VersionImageSchema, VersionTagSchema, WEIGHT,
} from './schema';
import { allows, podSecurityExceptions } from './pod-security';
import { checkEnv, checkOverrides, checkProbeForms, checkWorkload } from './workload-checks';
import type { Probe } from '../../imports/k8s-workload';
import { adoptedObjects } from './adoption';
import { printPath } from './field-path';
import type { OverridesSpec, Protocol } from './types';
import { describeValue, InputProblem, isPlainMapping, NOT_DATA, parseWith, REQUIRED_MESSAGE, unknownFieldMessage } from './schema-support';
import { counted } from '../format';
import { DNS1123_LABEL_MAX_LENGTH } from '../manifest';

export { fieldPath } from './field-path';

/** One problem in a matrix. */
export interface MatrixIssue {
  /** Path of the offending field, e.g. `releases.production.coffee-shop.to`; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong and what would be valid. */
  readonly message: string;
  /** The path as keys and list indices (empty for the file as a whole). */
  readonly segments: readonly (string | number)[];
  /** Line and column (from 1) of the field in the file, when the matrix came from a file and the field is in it. */
  readonly position?: { readonly line: number; readonly column: number };
}

/** A matrix that failed validation; exit code 1. */
export class MatrixError extends Error {
  /** Exit code for the command line. */
  public readonly exitCode = 1;

  constructor(
    /** The problems found (the first MAX_LISTED_ISSUES when there are more). */
    public readonly issues: readonly MatrixIssue[],
    /** The file the matrix came from, when it came from a file. */
    public readonly source?: string,
    /** Problems found beyond those listed in `issues`. */
    public readonly unlisted = 0,
  ) {
    const total = issues.length + unlisted;
    const where = (issue: MatrixIssue) => (source === undefined ? ''
      : issue.position ? `${source}:${issue.position.line}:${issue.position.column}: ` : `${source}: `);
    super(
      `invalid version matrix${source ? ` ${source}` : ''} (${counted(total, 'problem')}` +
        `${unlisted > 0 ? `, the first ${issues.length} listed` : ''}):\n` +
        issues.map((i) => `  ${where(i)}${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'),
    );
    this.name = 'MatrixError';
  }

  /** The same error with each issue's position in the file, where `locate` finds its field. */
  withPositions(locate: (segments: readonly (string | number)[]) => { line: number; column: number } | undefined): MatrixError {
    return new MatrixError(this.issues.map((issue) => {
      const position = issue.segments.length > 0 ? locate(issue.segments) : undefined;
      return position ? { ...issue, position } : issue;
    }), this.source, this.unlisted);
  }
}

/** A longer list of problems would bury the first ones (and cost unbounded memory on hostile input). */
const MAX_LISTED_ISSUES = 100;

type Segments = readonly (string | number)[];
type Json = Record<string, unknown>;

/** Collects issues while walking the input; every check reports and goes on, so that all problems are listed. */
class Checker {
  public readonly issues: MatrixIssue[] = [];
  /** Problems found after MAX_LISTED_ISSUES. */
  public unlisted = 0;

  report(segments: Segments, message: string): void {
    if (this.issues.length < MAX_LISTED_ISSUES) this.issues.push({ path: printPath(segments), message, segments });
    else this.unlisted++;
  }

  fail(source: string | undefined): MatrixError {
    return new MatrixError(this.issues, source, this.unlisted);
  }

  /** `value` parsed with `schema`, or undefined after reporting its problems (those about values that are no data were reported already). */
  parse<T extends z.ZodType>(schema: T, value: unknown, at: Segments): z.output<T> | undefined {
    const result = parseWith(schema, value, at);
    result.problems?.forEach((problem: InputProblem) => this.report(problem.segments, problem.message));
    return result.data;
  }

  /**
   * A mapping of at most MAX_ENTRIES[key] entries whose keys are valid names: its entries in declaration
   * order, those with an invalid name reported and left out.
   */
  named(value: unknown, at: Segments, key: keyof typeof MAX_ENTRIES, names: z.ZodString): [string, unknown][] {
    if (value === undefined || value === NOT_DATA) return [];
    if (!isPlainMapping(value)) {
      this.report(at, `expected a mapping of ${key} by name, got ${describeValue(value)}`);
      return [];
    }
    const entries = Object.entries(value);
    if (entries.length > MAX_ENTRIES[key]) {
      this.report(at, `declares ${entries.length} entries (at most ${MAX_ENTRIES[key]})`);
      return [];
    }
    return entries.filter(([name]) => {
      if (names.safeParse(name).success) return true;
      this.report([...at, name], `${describeValue(name)} is not a valid name (${names.meta()?.description})`);
      return false;
    });
  }
}

/** Bounds of the copy of a TypeScript matrix: far above any matrix within MAX_ENTRIES, low enough to bound time and stack. */
const MAX_COPIED_VALUES = 2_000_000;
const MAX_COPIED_DEPTH = 64;

/**
 * A copy of the input made of JSON data only, each value read once (a getter cannot answer differently
 * later): an object that is no mapping or list (Date, Map, Buffer), a cycle or a value nested deeper than any
 * matrix is reported and replaced by NOT_DATA; -0 becomes 0 (YAML would write "-0"); holes of a sparse list
 * become undefined. Throws when the input holds more values than MAX_COPIED_VALUES.
 */
function plainCopy(input: unknown, check: Checker): unknown {
  let copied = 0;
  const ancestors = new Set<object>();
  // The path of a value as a chain to its parent: segments are only built for a problem.
  type Place = { readonly parent: Place; readonly key: string | number } | undefined;
  const segmentsOf = (place: Place): (string | number)[] => (place === undefined ? [] : [...segmentsOf(place.parent), place.key]);
  const copy = (value: unknown, place: Place, depth: number): unknown => {
    if (++copied > MAX_COPIED_VALUES) {
      throw new MatrixError([{ path: '(matrix)', message: `holds more than ${MAX_COPIED_VALUES} values (a matrix within its limits holds far fewer)`, segments: [] }]);
    }
    if (typeof value === 'number') return value + 0;
    if (typeof value !== 'object' || value === null) return value;
    let problem: string | undefined;
    if (!Array.isArray(value) && !isPlainMapping(value)) problem = `${describeValue(value)} is not JSON data (a mapping, list, string, number, true or false)`;
    else if (depth > MAX_COPIED_DEPTH) problem = `is nested more than ${MAX_COPIED_DEPTH} levels deep`;
    if (problem !== undefined) {
      check.report(segmentsOf(place), problem);
      return NOT_DATA;
    }
    if (ancestors.has(value)) {
      // An empty one in its place: what it lacks is reported too, as where the cycle is.
      check.report(segmentsOf(place), `${describeValue(value)} contains itself (a cycle, e.g. a YAML alias inside its anchor)`);
      return Array.isArray(value) ? [] : {};
    }
    ancestors.add(value);
    let result: unknown;
    if (Array.isArray(value)) {
      result = Array.from(value as unknown[], (item, index) => copy(item, { parent: place, key: index }, depth + 1));
    } else {
      const mapping: Json = {};
      for (const key of Object.keys(value)) {
        const item = copy((value as Json)[key], { parent: place, key }, depth + 1);
        // `__proto__` stays an own field (to be reported as unknown): assigning it would set the prototype.
        if (key === '__proto__') Object.defineProperty(mapping, key, { value: item, enumerable: true, writable: true, configurable: true });
        else mapping[key] = item;
      }
      result = mapping;
    }
    ancestors.delete(value);
    return result;
  };
  return copy(input, undefined, 0);
}

/** The value of an own field: never one inherited from Object.prototype (`constructor` is a valid name). */
function own(obj: Json, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Validates a matrix given as plain data and applies defaults. Throws MatrixError listing every problem.
 * @param source file name to prefix messages with, when the matrix came from a file
 */
export function validateMatrix(input: unknown, source?: string): Matrix {
  const check = new Checker();
  if (!isPlainMapping(input)) {
    const message = `expected a mapping with environments, services and releases, got ${describeValue(input)}`;
    throw new MatrixError([{ path: '(matrix)', message, segments: [] }], source);
  }
  let root: Json;
  try {
    root = plainCopy(input, check) as Json;
  } catch (error) {
    throw error instanceof MatrixError ? new MatrixError(error.issues, source) : error;
  }
  const rootFields = Object.keys(MatrixSchema.shape);
  for (const key of Object.keys(root)) if (!rootFields.includes(key)) check.report([key], unknownFieldMessage(key, rootFields));
  for (const key of rootFields) if (own(root, key) === undefined) check.report([key], REQUIRED_MESSAGE);

  const serviceEntries = check.named(root.services, ['services'], 'services', NAMES.service);
  const declaredServices = new Set(serviceEntries.map(([name]) => name));
  const services = serviceEntries
    .map(([name, spec]) => validateService(check, name, spec))
    .filter((s): s is Service => s !== undefined);
  const byName = new Map(services.map((s) => [s.name, s]));

  const releases = root.releases === undefined || root.releases === NOT_DATA ? {} : isPlainMapping(root.releases) ? root.releases : undefined;
  if (!releases) check.report(['releases'], `expected a mapping of environments by name, got ${describeValue(root.releases)}`);
  const namespaces = new Map<string, string>();
  const environments: Environment[] = [];
  const sharedDeploymentNames = deploymentNamesOfSeveralVersions(services);
  const environmentEntries = check.named(root.environments, ['environments'], 'environments', NAMES.environment);
  for (const [name, spec] of environmentEntries) {
    const at = ['environments', name];
    if (RESERVED_FOLDER_NAMES.includes(name)) {
      check.report(at, `"${name}" is reserved for another folder of dist/ (choose another environment name)`);
    }
    const namespace = isPlainMapping(spec) ? spec.namespace : undefined;
    if (typeof namespace === 'string' && namespaces.has(namespace)) {
      check.report([...at, 'namespace'], `"${namespace}" is already the namespace of environments.${namespaces.get(namespace)} (each environment needs its own)`);
    }
    if (typeof namespace === 'string' && !namespaces.has(namespace)) namespaces.set(namespace, name);
    const env = spec === NOT_DATA ? undefined : check.parse(EnvironmentSchema, spec, at);
    const rollouts = validateReleases(check, name, own(releases ?? {}, name), declaredServices, byName, env?.namespace);
    if (!env) continue;
    const scaled = withAutoscaling(check, name, env, isPlainMapping(spec) ? spec : {}, rollouts, byName, declaredServices);
    environments.push({ name, namespace: env.namespace, replicas: env.replicas, ingressHosts: env.ingressHosts ?? [], podSecurity: env.podSecurity, rollouts: scaled });
  }
  const declaredEnvironments = new Set(environmentEntries.map(([name]) => name));
  const environmentList = [...declaredEnvironments].join(', ') || 'none declared';
  for (const name of Object.keys(releases ?? {})) {
    if (!declaredEnvironments.has(name)) check.report(['releases', name], `"${name}" is not a declared environment (${environmentList})`);
  }
  environments.forEach((env) => checkEnvironmentNames(check, env, sharedDeploymentNames));
  environments.forEach((env) => checkPodSecurity(check, env));
  if (check.issues.length > 0) throw check.fail(source);
  return { services, environments };
}

/** The service's fields but its versions, which are checked with the Deployment names they make. */
const SERVICE_WITHOUT_VERSIONS = ServiceSchema.extend({ versions: z.unknown() });

function validateService(check: Checker, name: string, spec: unknown): Service | undefined {
  const at = ['services', name];
  if (spec === NOT_DATA) return undefined;
  // The versions are checked below, with the names they generate; the schema's own check of them would repeat it.
  const parsed = check.parse(SERVICE_WITHOUT_VERSIONS, spec, at);
  // (A service that is no mapping is reported as such by the schema, and only so.)
  const versions = isPlainMapping(spec) ? validateVersions(check, name, spec, [...at, 'versions']) : undefined;
  if (isPlainMapping(spec)) checkProbeForms((segments, message) => check.report(segments, message), at, spec);
  if (isPlainMapping(spec) && typeof spec.preStopSeconds === 'number') {
    const preStop = spec.preStopSeconds;
    const grace = spec.terminationGracePeriodSeconds;
    if (typeof grace === 'number' && grace <= preStop) {
      check.report([...at, 'terminationGracePeriodSeconds'],
        `${grace} must be longer than preStopSeconds (${preStop}), or the pod is killed before it can shut down gracefully`);
    }
  }
  if (isPlainMapping(spec)) checkIngressProtocol(check, at, spec);
  const autoscaling = isPlainMapping(spec) ? validateAutoscaling(check, spec, at) : undefined;
  if (!parsed) return undefined;
  const issuesBefore = check.issues.length + check.unlisted;
  checkWorkload((segments, message) => check.report(segments, message), at, { name, ...parsed });
  if (!versions || check.issues.length + check.unlisted > issuesBefore) return undefined;
  const configuration = validateConfiguration(check, at, parsed, versions);
  if (!configuration) return undefined;
  const { image, port, protocol, preStopSeconds, preStopAction, terminationGracePeriodSeconds, resources, ingressPath } = parsed;
  const { readinessProbe, livenessProbe, ...container } = parsed.container ?? {};
  const pod = parsed.pod ?? {};
  const podMetadata = { labels: parsed.podMetadata?.labels ?? {}, annotations: parsed.podMetadata?.annotations ?? {} };
  return {
    name, image, versions: resolveImages(versions, image), port, protocol,
    readinessProbe: readinessProbe ?? defaultProbe(parsed.readinessPath, port, READINESS),
    livenessProbe: livenessProbe ?? defaultProbe(parsed.livenessPath, port, LIVENESS),
    preStopSeconds, preStopAction,
    terminationGracePeriodSeconds: terminationGracePeriodSeconds ?? preStopSeconds + GRACE_PERIOD_MARGIN_SECONDS,
    resources, ...(ingressPath === undefined ? {} : { ingressPath }),
    container, pod, podMetadata, podSecurity: podSecurityExceptions(parsed.container ?? {}, pod, podMetadata.annotations, at),
    ...(autoscaling === undefined ? {} : { autoscaling }),
    ...configuration,
  };
}

/** Readiness probe timing of the path form, from the seed article: ready after 10 s, checked every 5 s, out after 2 failures. */
const READINESS = { initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 1 };
/** Liveness is lenient: restarting a slow but working pod drops its in-flight requests. */
const LIVENESS = { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 };

/** The probe of the short form: an HTTP GET of `path` on the service port, or without a path (TCP-like protocols) a TCP connect to it. */
function defaultProbe(path: string | undefined, port: number, timing: typeof READINESS): Probe {
  return { ...(path === undefined ? { tcpSocket: { port } } : { httpGet: { path, port } }), ...timing };
}

/** A version as given: its repository (the service's when it gives none), tag or digest, and environment. */
interface GivenVersion {
  readonly repository?: string;
  readonly reference: string;
  readonly env: VersionImage['env'];
}

/** `repository:tag`, or `repository@sha256:...` for a digest. */
function imageOf(repository: string, reference: string): string {
  return reference.startsWith('sha256:') ? `${repository}@${reference}` : `${repository}:${reference}`;
}

function resolveImages(versions: ReadonlyMap<string, GivenVersion>, image: string): Map<string, VersionImage> {
  return new Map([...versions].map(([name, v]) => [name, { image: imageOf(v.repository ?? image, v.reference), env: v.env }]));
}

/** Pod settings beyond the environment's Pod Security level, reported at the setting with the environment that refuses it. */
function checkPodSecurity(check: Checker, env: Environment): void {
  for (const { service } of env.rollouts) {
    for (const exception of service.podSecurity) {
      if (allows(env.podSecurity, exception.level)) continue;
      check.report(exception.segments, `${exception.reason}: this leaves the ${env.podSecurity} Pod Security profile of environment ${env.name} ` +
        `(it needs ${exception.level}; allow it with environments.${env.name}.podSecurity: ${exception.level}, or remove the setting)`);

    }
  }
}

type ParsedService = z.output<typeof SERVICE_WITHOUT_VERSIONS>;

/** TCP-like protocols cannot be exposed under an HTTP path (an unsupported protocol is the schema's to report). */
function checkIngressProtocol(check: Checker, at: Segments, service: Json): void {
  const parsed = ServiceSchema.shape.protocol.safeParse(own(service, 'protocol'));
  if (!parsed.success) return;
  const protocol: Protocol = parsed.data;
  if (isTcpProtocol(protocol) && own(service, 'ingressPath') !== undefined) {
    check.report([...at, 'ingressPath'], `protocol ${protocol} cannot be exposed under an HTTP path (the ingress Gateway serves HTTP on port 80): remove ingressPath`);
  }
}

/** Kubernetes' limit on the data of a ConfigMap: keys and values, in bytes. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/** The ConfigMaps and Secret references of a service: versions declared, each version's data within Kubernetes' size, mount paths distinct. */
function validateConfiguration(check: Checker, at: Segments, service: ParsedService, versions: ReadonlyMap<string, unknown>):
  Pick<Service, 'configMaps' | 'secrets'> | undefined {
  const problems = check.issues.length + check.unlisted;
  const mounts = new Map<string, string>([['/tmp', 'the writable /tmp of the container']]);
  const claimMount = (path: string | undefined, owner: string, fieldAt: Segments) => {
    if (path === undefined) return;
    const taken = [...mounts].find(([other]) => other === path || other.startsWith(`${path}/`) || path.startsWith(`${other}/`));
    if (taken) check.report(fieldAt, `"${path}" overlaps the mount "${taken[0]}" of ${taken[1]} (use distinct directories)`);
    else mounts.set(path, owner);
  };
  const declaredConfigMaps = Object.entries(service.configMaps ?? {});
  const declaredSecrets = Object.entries(service.secrets ?? {});
  for (const [field, count] of [['configMaps', declaredConfigMaps.length], ['secrets', declaredSecrets.length]] as const) {
    if (count > MAX_ENTRIES[field]) check.report([...at, field], `declares ${count} entries (at most ${MAX_ENTRIES[field]})`);
  }
  const versionList = [...versions.keys()].join(', ');
  const configMaps: ServiceConfigMap[] = declaredConfigMaps.map(([name, spec]) => {
    const mapAt = [...at, 'configMaps', name];
    claimMount(spec.mountPath, `configMaps.${name}`, [...mapAt, 'mountPath']);
    for (const version of Object.keys(spec.versions ?? {})) {
      if (!versions.has(version)) check.report([...mapAt, 'versions', version], `"${version}" is not a declared version of the service (${versionList})`);
    }
    const data = new Map<string, Record<string, string>>([...versions.keys()].map((version) => [version, { ...spec.data, ...spec.versions?.[version]?.data }]));
    for (const [version, values] of data) {
      const bytes = Object.entries(values).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
      if (bytes > MAX_CONFIG_MAP_BYTES) {
        check.report(mapAt, `the data of version ${version} is ${bytes} bytes, more than Kubernetes allows in a ConfigMap (${MAX_CONFIG_MAP_BYTES} bytes, 1 MiB)`);
      }
    }
    return { name, data, asEnv: spec.asEnv, ...(spec.mountPath === undefined ? {} : { mountPath: spec.mountPath }) };
  });
  const secrets: SecretReference[] = declaredSecrets.map(([name, spec]) => {
    claimMount(spec.mountPath, `secrets.${name}`, [...at, 'secrets', name, 'mountPath']);
    return { name, asEnv: spec.asEnv, ...(spec.mountPath === undefined ? {} : { mountPath: spec.mountPath }) };
  });
  return check.issues.length + check.unlisted > problems ? undefined : { configMaps, secrets };
}

/**
 * What autoscaling/v2 refuses beyond the field types (which the service's schema reports): metrics and
 * behavior, and a Utilization metric of a resource the container does not request (the HPA cannot compute it).
 */
function validateAutoscaling(check: Checker, spec: Json, at: Segments): Service['autoscaling'] {
  const value = own(spec, 'autoscaling');
  if (value === undefined) return undefined;
  const parsed = AutoscalingSchema.safeParse(value);
  if (!parsed.success) return undefined; // reported by the service's schema
  const here = [...at, 'autoscaling'];
  const { minReplicas, maxReplicas, metrics = DEFAULT_METRICS, behavior } = parsed.data;
  const problems = [...metricProblems(metrics, [...here, 'metrics']), ...(behavior ? behaviorProblems(behavior, [...here, 'behavior']) : [])];
  problems.forEach((p) => check.report(p.segments, p.message));
  if (minReplicas !== undefined && minReplicas > maxReplicas) {
    check.report([...here, 'minReplicas'], `${minReplicas} is more than maxReplicas (${maxReplicas})`);
  }
  const resources = ServiceSchema.shape.resources.safeParse(own(spec, 'resources'));
  const requested = resources.success ? resources.data.requests : {};
  metrics.forEach((metric, index) => {
    const resource = metric.resource;
    if (resource?.target.type !== 'Utilization' || Object.hasOwn(requested, resource.name)) return;
    check.report([...here, 'metrics', index, 'resource', 'name'],
      `"${resource.name}" utilization needs resources.requests.${resource.name} (utilization is a percentage of the request)`);
  });
  return { ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas, metrics, ...(behavior === undefined ? {} : { behavior }) };
}

/**
 * The environment's rollouts with their autoscaler's replica bounds: the environment's, over the service's,
 * over the environment's replicas (the default minReplicas). An entry for a service without autoscaling, and
 * bounds that cross, are reported where they are written.
 */
function withAutoscaling(check: Checker, environment: string, env: z.output<typeof EnvironmentSchema>, spec: Json, rollouts: readonly ServiceRollout[],
  services: ReadonlyMap<string, Service>, declared: ReadonlySet<string>): ServiceRollout[] {
  const at = ['environments', environment, 'autoscaling'];
  const bounds = env.autoscaling ?? {};
  const replicasGiven = own(spec, 'replicas') !== undefined;
  // The keys as written: the parsed record may have dropped one (a `__proto__`).
  const written = own(spec, 'autoscaling');
  for (const name of isPlainMapping(written) ? Object.keys(written) : []) {
    const service = services.get(name);
    if (!declared.has(name)) check.report([...at, name], `"${name}" is not a declared service (${[...declared].join(', ') || 'none declared'})`);
    if (service !== undefined && !service.autoscaling) check.report([...at, name], `service ${name} has no autoscaling (give services.${name}.autoscaling first)`);
  }
  return rollouts.map((rollout) => {
    const { service } = rollout;
    if (!service.autoscaling) return rollout;
    if (rollout.overrides.replicas !== undefined) {
      check.report(['releases', environment, service.name, 'overrides', 'replicas'], `service ${service.name} is autoscaled: its HorizontalPodAutoscaler owns ` +
        `the replica count (give environments.${environment}.autoscaling.${service.name}.minReplicas/maxReplicas instead)`);
    }
    const own = Object.hasOwn(bounds, service.name) ? bounds[service.name] : {};
    const maxReplicas = own.maxReplicas ?? service.autoscaling.maxReplicas;
    const minReplicas = own.minReplicas ?? service.autoscaling.minReplicas ?? env.replicas;
    if (minReplicas > maxReplicas) {
      const envMax = [...at, service.name, 'maxReplicas'];
      const maxAt = own.maxReplicas !== undefined ? envMax : ['services', service.name, 'autoscaling', 'maxReplicas'];
      if (own.minReplicas !== undefined) {
        check.report([...at, service.name, 'minReplicas'], `${minReplicas} is more than maxReplicas ${maxReplicas} (${printPath(maxAt)})`);
      } else if (service.autoscaling.minReplicas !== undefined) {
        // Both from the service: reported with the service already.
        if (own.maxReplicas !== undefined) check.report(envMax, `${maxReplicas} is less than minReplicas ${minReplicas} (services.${service.name}.autoscaling.minReplicas)`);
      } else if (replicasGiven) {
        check.report(['environments', environment, 'replicas'], `${minReplicas} is more than maxReplicas ${maxReplicas} of service ${service.name} ` +
          `(${printPath(maxAt)}): the environment's replicas is the minReplicas of an autoscaling that gives none`);
      } else {
        check.report(maxAt, `${maxReplicas} is less than minReplicas ${minReplicas} (the environment's replicas, by default: give autoscaling a minReplicas)`);
      }
      return rollout;
    }
    const autoscaling: Autoscaling = { ...service.autoscaling, minReplicas, maxReplicas };
    return { ...rollout, autoscaling };
  });
}

/** The versions of a service: names that make valid Deployment names, each its own pinned image. */
function validateVersions(check: Checker, service: string, spec: Json, at: Segments): Map<string, GivenVersion> | undefined {
  const value = own(spec, 'versions');
  if (value === undefined) {
    check.report(at, REQUIRED_MESSAGE);
    return undefined;
  }
  const entries = check.named(value, at, 'versions', NAMES.version);
  if (isPlainMapping(value) && Object.keys(value).length === 0) check.report(at, 'declares no version (at least one is needed)');
  const versions = new Map<string, GivenVersion>();
  const seenImages = new Map<string, string>();
  const serviceImage = typeof spec.image === 'string' ? spec.image : undefined;
  for (const [version, ref] of entries) {
    const versionAt = [...at, version];
    if (deploymentName(service, version).length > DNS1123_LABEL_MAX_LENGTH) {
      check.report(versionAt, `Deployment name "${deploymentName(service, version)}" would be longer than ${DNS1123_LABEL_MAX_LENGTH} characters`);
      continue;
    }
    if (version in Object.prototype) {
      // Versions name constructs, and the construct library takes a child named like a field of Object.prototype for a duplicate.
      check.report(versionAt, `"${version}" cannot name a version (the cdk8s construct library reserves it; choose another name)`);
      continue;
    }
    const parsed = ref === NOT_DATA ? undefined : check.parse(isPlainMapping(ref) ? VersionImageSchema : VersionTagSchema, ref, versionAt);
    if (parsed === undefined) continue;
    const given: GivenVersion = typeof parsed === 'string' ? { reference: parsed, env: [] }
      : { reference: parsed.tag, env: parsed.env ?? [], ...(parsed.image === undefined ? {} : { repository: parsed.image }) };
    const tagAt = typeof parsed === 'string' ? versionAt : [...versionAt, 'tag'];
    if (given.reference === 'latest' && spec.allowMutableTags !== true) {
      check.report(tagAt, '"latest" is a mutable tag: pin a version tag or a sha256 digest (or set allowMutableTags: true)');
      continue;
    }
    checkEnv((segments, message) => check.report(segments, message), given.env, [...versionAt, 'env']);
    const repository = given.repository ?? serviceImage;
    const image = repository === undefined ? undefined : imageOf(repository, given.reference);
    if (image !== undefined && seenImages.has(image)) {
      check.report(tagAt, `image "${image}" is already the image of version ${seenImages.get(image)} (each version needs its own image reference)`);
      continue;
    }
    if (image !== undefined) seenImages.set(image, version);
    versions.set(version, given);
  }
  return versions.size === entries.length && entries.length > 0 ? versions : undefined;
}

/** Releases of one environment; those of declared services that failed validation are skipped (already reported). */
function validateReleases(check: Checker, environment: string, value: unknown, declared: ReadonlySet<string>,
  services: ReadonlyMap<string, Service>, namespace: string | undefined): ServiceRollout[] {
  const at = ['releases', environment];
  if (value === undefined || value === NOT_DATA) return [];
  if (!isPlainMapping(value)) {
    check.report(at, `expected a mapping of service name to release, got ${describeValue(value)}`);
    return [];
  }
  const declaredList = [...declared].join(', ') || 'none declared';
  for (const name of Object.keys(value)) {
    if (!declared.has(name)) check.report([...at, name], `"${name}" is not a declared service (${declaredList})`);
  }
  // Service declaration order, so that output does not depend on the order of the releases mapping.
  return [...services.values()]
    .filter((service) => own(value, service.name) !== undefined)
    .map((service) => validateRollout(check, [...at, service.name], service, own(value, service.name), namespace))
    .filter((r): r is ServiceRollout => r !== undefined);
}

function validateRollout(check: Checker, at: Segments, service: Service, value: unknown, namespace: string | undefined): ServiceRollout | undefined {
  if (value === NOT_DATA) return undefined;
  if (!isPlainMapping(value)) {
    check.report(at, `expected a mapping with either version, or from and to, got ${describeValue(value)}`);
    return undefined;
  }
  const versionNames = [...service.versions.keys()];
  const declared = (key: string): boolean => {
    const name = value[key];
    if (typeof name !== 'string' || service.versions.has(name)) return true; // not a string: the schema says so
    check.report([...at, key], `${describeValue(name)} is not a declared version of ${service.name} (${versionNames.join(', ')})`);
    return false;
  };
  if (value.version !== undefined || (value.from === undefined && value.to === undefined)) {
    const steady = check.parse(SteadySchema, value, at);
    checkReleaseOverrides(check, steady?.overrides, at);
    if (!declared('version') || !steady) return undefined;
    if (steady.adopt && steady.retire) {
      check.report([...at, 'retire'], 'a service cannot be adopted and retired by the same plan (adopt it first, retire it in a later plan)');
      return undefined;
    }
    const adopted = steady.adopt && namespace !== undefined
      ? adoptedObjects(steady.adopt.objects, service, steady.version, namespace, [...at, 'adopt', 'objects'], (where, message) => check.report(where, message))
      : [];
    if (!adopted) return undefined;
    return {
      service, from: steady.version, to: steady.version, canarySteps: [], gates: DEFAULT_GATES, overrides: steady.overrides ?? {}, adopted, retiring: steady.retire,
    };
  }
  const release = check.parse(ReleaseSchema, value, at);
  if (isPlainMapping(value.strategy)) checkAscending(check, value.strategy.steps, [...at, 'strategy', 'steps']);
  const known = [declared('from'), declared('to')].every(Boolean);
  if (known && typeof value.from === 'string' && value.from === value.to) {
    check.report([...at, 'to'], `"${value.to}" is also the from version (a release needs two different versions; use { version: "${value.to}" } for a service that stays)`);
    return undefined;
  }
  checkReleaseOverrides(check, release?.overrides, at);
  if (!release || !known) return undefined;
  return {
    service, from: release.from, to: release.to, canarySteps: release.strategy.type === 'canary' ? release.strategy.steps : [], gates: release.gates,
    overrides: release.overrides ?? {},
    adopted: [], retiring: false,
  };
}

/** What the schema of a release entry's overrides cannot check (./workload-checks). */
function checkReleaseOverrides(check: Checker, overrides: OverridesSpec | undefined, at: Segments): void {
  checkOverrides((segments, message) => check.report(segments, message), overrides, [...at, 'overrides']);
}

/**
 * Canary steps must ascend: reported for each weight not above the number before it, also when other steps
 * are not weights at all (which the schema reports).
 */
function checkAscending(check: Checker, steps: unknown, at: Segments): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((step: unknown, index) => {
    const previous: unknown = steps[index - 1];
    // A step that is no weight is reported as such (by the schema), and only so.
    if (index > 0 && WEIGHT.safeParse(step).success && typeof previous === 'number' && (step as number) <= previous) {
      check.report([...at, index], `${step as number} does not exceed the previous step ${previous} (steps must be strictly ascending)`);
    }
  });
}

/**
 * Per service, its versions whose Deployment name `<service>-<version>` is also that of another service's
 * version: only those can collide in an environment, so that checking one costs no environments x versions.
 */
function deploymentNamesOfSeveralVersions(services: readonly Service[]): Map<Service, string[]> {
  const owners = new Map<string, number>();
  for (const service of services) {
    for (const version of service.versions.keys()) {
      const name = deploymentName(service.name, version);
      owners.set(name, (owners.get(name) ?? 0) + 1);
    }
  }
  return new Map(services.map((service) => [service,
    [...service.versions.keys()].filter((version) => owners.get(deploymentName(service.name, version))! > 1)]));
}

/** Names that must not collide within an environment (per kind), and ingress paths that must not overlap. */
function checkEnvironmentNames(check: Checker, env: Environment, sharedDeploymentNames: ReadonlyMap<Service, readonly string[]>): void {
  const owners = new Map<string, string>();
  const claim = (kind: string, name: string, owner: string, at: Segments) => {
    const previous = owners.get(`${kind}/${name}`);
    if (previous !== undefined) check.report(at, `${kind} "${name}" of ${owner} is also the ${kind} of ${previous} (rename a service or version)`);
    else owners.set(`${kind}/${name}`, owner);
  };
  const exposed = env.rollouts.filter((r) => isExposed(env, r.service));
  for (const { service, from, to } of env.rollouts) {
    const at = ['releases', env.name, service.name];
    claim('VirtualService', service.name, service.name, at);
    for (const version of sharedDeploymentNames.get(service) ?? []) claim('Deployment', deploymentName(service.name, version), `${service.name} ${version}`, at);
    if (isExposed(env, service)) claim('VirtualService', gatewayVirtualServiceName(service.name), `${service.name} (gateway)`, at);
    for (const version of new Set([from, to])) {
      for (const { name } of service.configMaps) claim('ConfigMap', configMapName(service.name, version, name), `${service.name} ${version} (configMaps.${name})`, at);
    }
  }
  exposed.forEach((a, i) => exposed.slice(i + 1).forEach((b) => {
    const [pa, pb] = [a.service.ingressPath!, b.service.ingressPath!];
    if (pa.startsWith(pb) || pb.startsWith(pa)) {
      check.report(['services', b.service.name, 'ingressPath'],
        `"${pb}" overlaps ingressPath "${pa}" of ${a.service.name}, exposed through the same Gateway in environment ${env.name} (use disjoint prefixes)`);
    }
  }));
}
