/**
 * Load-time validation of a matrix, whatever it came from (TypeScript, YAML, JSON): every problem is
 * reported with the path of the offending field and what would be valid, all at once.
 */
import { DEFAULT_GATES, Environment, Gates, isExposed, Matrix, Service, ServiceRollout } from './model';
import { deploymentName, gatewayVirtualServiceName, RESERVED_FOLDER_NAMES } from './naming';
import { counted } from '../format';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../manifest';

/** One problem in a matrix. */
export interface MatrixIssue {
  /** Path of the offending field, e.g. `releases.production.coffee-shop.to`; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong and what would be valid. */
  readonly message: string;
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
    super(
      `invalid version matrix${source ? ` ${source}` : ''} (${counted(total, 'problem')}` +
        `${unlisted > 0 ? `, the first ${issues.length} listed` : ''}):\n` +
        issues.map((i) => `  ${source ? `${source}: ` : ''}${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'),
    );
    this.name = 'MatrixError';
  }
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IMAGE_REPOSITORY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
const HTTP_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]{0,1023}$/;
const HOSTNAME = /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const MAX_NAME_LENGTH = DNS1123_LABEL_MAX_LENGTH;
/** Longest image repository name a registry accepts (Docker reference grammar). */
const MAX_IMAGE_LENGTH = 255;
/** A longer list of problems would bury the first ones (and cost unbounded memory on hostile input). */
const MAX_LISTED_ISSUES = 100;
/**
 * Bounds on the size of the matrix, far above real releases: validation and synthesis work grows with
 * environments x services x versions, which must stay bounded for hostile input.
 */
const MAX_ENTRIES = { environments: 100, services: 1000, versions: 100, ingressHosts: 100 } as const;

type Json = Record<string, unknown>;

/** The value of an own field: never one inherited from Object.prototype (`constructor` is a valid name). */
function own(obj: Json, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A plain mapping, as YAML, JSON and object literals give: not a list, Date, Map, Buffer or function. */
function isPlainMapping(value: unknown): value is Json {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** Collects issues while walking the input; every check reports and goes on, so that all problems are listed. */
class Checker {
  public readonly issues: MatrixIssue[] = [];
  /** Problems found after MAX_LISTED_ISSUES. */
  public unlisted = 0;

  report(path: string, message: string): void {
    if (this.issues.length < MAX_LISTED_ISSUES) this.issues.push({ path, message });
    else this.unlisted++;
  }

  fail(source: string | undefined): MatrixError {
    return new MatrixError(this.issues, source, this.unlisted);
  }

  object(value: unknown, path: string, what = 'a mapping'): Json | undefined {
    if (isPlainMapping(value)) return value;
    this.report(path, `expected ${what}, got ${describe(value)}`);
    return undefined;
  }

  /** Reports fields that are not in `allowed`, and missing `required` ones. */
  fields(obj: Json, path: string, allowed: readonly string[], required: readonly string[] = []): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.report(fieldPath(path, key), `unknown field (valid fields: ${allowed.join(', ')})`);
    }
    for (const key of required) {
      if (own(obj, key) === undefined) this.report(fieldPath(path, key), 'required field is missing');
    }
  }

  string(obj: Json, key: string, path: string, pattern: RegExp, valid: string, fallback?: string): string | undefined {
    const value = own(obj, key);
    if (value === undefined) return fallback;
    if (typeof value === 'string' && pattern.test(value)) return value;
    this.report(fieldPath(path, key), `${describe(value)} is not ${valid}`);
    return undefined;
  }

  integer(obj: Json, key: string, path: string, min: number, max: number, fallback?: number): number | undefined {
    const value = own(obj, key);
    if (value === undefined) return fallback;
    // `+ 0` turns -0 into 0, which would otherwise be written as "-0" to YAML.
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value + 0;
    this.report(fieldPath(path, key), `${describe(value)} is not an integer from ${min} to ${max}`);
    return undefined;
  }

  boolean(obj: Json, key: string, path: string, fallback: boolean): boolean {
    const value = own(obj, key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.report(fieldPath(path, key), `${describe(value)} is not true or false`);
    return fallback;
  }

  /**
   * A mapping of at most MAX_ENTRIES[key] entries whose keys are names matching `pattern`; returns its
   * valid entries in declaration order.
   */
  named(obj: Json, key: keyof typeof MAX_ENTRIES, path: string, pattern: RegExp, valid: string, maxLength = MAX_NAME_LENGTH): [string, unknown][] {
    const value = own(obj, key);
    const map = value === undefined ? undefined : this.object(value, fieldPath(path, key), `a mapping of ${valid}s`);
    if (!map) return [];
    const entries = Object.entries(map);
    if (entries.length > MAX_ENTRIES[key]) {
      this.report(fieldPath(path, key), `declares ${entries.length} entries (at most ${MAX_ENTRIES[key]})`);
      return [];
    }
    return entries.filter(([name]) => {
      if (pattern.test(name) && name.length <= maxLength) return true;
      this.report(fieldPath(fieldPath(path, key), name), `${describe(name)} is not a valid name (${valid}, at most ${maxLength} characters)`);
      return false;
    });
  }
}

/** `a.b`, or `a["odd key"]` when the key is not a plain name. */
export function fieldPath(path: string, key: string): string {
  const segment = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key).slice(0, 80);
  return path === '' ? segment : `${path}.${segment}`;
}

/** A short, single-line rendering of an offending value (JSON escapes newlines and quotes). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainMapping(value)) return 'a mapping';
  if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') {
    return `a ${Object.prototype.toString.call(value).slice('[object '.length, -1)}`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Validates a matrix given as plain data and applies defaults. Throws MatrixError listing every problem.
 * @param source file name to prefix messages with, when the matrix came from a file
 */
export function validateMatrix(input: unknown, source?: string): Matrix {
  const check = new Checker();
  const root = check.object(input, '(matrix)', 'a mapping with environments, services and releases');
  if (!root) throw check.fail(source);
  check.fields(root, '', ['environments', 'services', 'releases'], ['environments', 'services', 'releases']);

  const serviceEntries = check.named(root, 'services', '', DNS1035_LABEL, 'a DNS-1035 label: lowercase letters, digits and -, starting with a letter');
  const declaredServices = new Set(serviceEntries.map(([name]) => name));
  const services = serviceEntries
    .map(([name, spec]) => validateService(check, name, spec))
    .filter((s): s is Service => s !== undefined);
  const byName = new Map(services.map((s) => [s.name, s]));

  const namespaces = new Map<string, string>();
  const environments: Environment[] = [];
  const releases = root.releases === undefined ? {} : check.object(root.releases, 'releases') ?? {};
  const sharedDeploymentNames = deploymentNamesOfSeveralVersions(services);
  const environmentEntries = check.named(root, 'environments', '', DNS1123_LABEL, 'a DNS-1123 label: lowercase letters, digits and -');
  for (const [name, spec] of environmentEntries) {
    const path = fieldPath('environments', name);
    if (RESERVED_FOLDER_NAMES.includes(name)) {
      check.report(path, `"${name}" is reserved for another folder of dist/ (choose another environment name)`);
    }
    const env = check.object(spec, path);
    if (!env) continue;
    check.fields(env, path, ['namespace', 'replicas', 'ingressHosts'], ['namespace']);
    const namespace = check.string(env, 'namespace', path, DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits and -)');
    if (namespace !== undefined && namespace.length > MAX_NAME_LENGTH) {
      check.report(fieldPath(path, 'namespace'), `"${namespace}" is longer than ${MAX_NAME_LENGTH} characters`);
    }
    if (namespace !== undefined && namespaces.has(namespace)) {
      check.report(fieldPath(path, 'namespace'), `"${namespace}" is already the namespace of environments.${namespaces.get(namespace)} (each environment needs its own)`);
    }
    if (namespace !== undefined) namespaces.set(namespace, name);
    const replicas = check.integer(env, 'replicas', path, 1, 1000, 2);
    const ingressHosts = validateHosts(check, env.ingressHosts, fieldPath(path, 'ingressHosts'));
    const rollouts = validateReleases(check, name, own(releases, name), declaredServices, byName);
    if (namespace === undefined || replicas === undefined) continue;
    environments.push({ name, namespace, replicas, ingressHosts, rollouts });
  }
  const declaredEnvironments = new Set(environmentEntries.map(([name]) => name));
  const environmentList = [...declaredEnvironments].join(', ') || 'none declared';
  for (const name of Object.keys(releases)) {
    if (!declaredEnvironments.has(name)) check.report(fieldPath('releases', name), `"${name}" is not a declared environment (${environmentList})`);
  }
  environments.forEach((env) => checkEnvironmentNames(check, env, sharedDeploymentNames));
  if (check.issues.length > 0) throw check.fail(source);
  return { services, environments };
}

function validateService(check: Checker, name: string, spec: unknown): Service | undefined {
  const path = fieldPath('services', name);
  const svc = check.object(spec, path);
  if (!svc) return undefined;
  check.fields(svc, path, ['image', 'versions', 'port', 'protocol', 'readinessPath', 'livenessPath', 'preStopSeconds',
    'terminationGracePeriodSeconds', 'resources', 'ingressPath', 'allowMutableTags'],
  ['image', 'versions', 'port', 'readinessPath', 'livenessPath']);
  const image = check.string(svc, 'image', path, IMAGE_REPOSITORY, 'an image repository without tag or digest (e.g. registry.example.com/team/app)');
  if (image !== undefined && image.length > MAX_IMAGE_LENGTH) {
    check.report(fieldPath(path, 'image'), `"${image.slice(0, 40)}..." is longer than ${MAX_IMAGE_LENGTH} characters (the limit of image references)`);
  }
  const allowMutableTags = check.boolean(svc, 'allowMutableTags', path, false);
  const versions = new Map<string, string>();
  const seenTags = new Map<string, string>();
  const versionEntries = check.named(svc, 'versions', path, DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits and -)');
  if (isPlainMapping(svc.versions) && Object.keys(svc.versions).length === 0) {
    check.report(fieldPath(path, 'versions'), 'declares no version (at least one is needed)');
  }
  for (const [version, ref] of versionEntries) {
    const versionPath = fieldPath(fieldPath(path, 'versions'), version);
    if (deploymentName(name, version).length > MAX_NAME_LENGTH) {
      check.report(versionPath, `Deployment name "${deploymentName(name, version)}" would be longer than ${MAX_NAME_LENGTH} characters`);
      continue;
    }
    if (version in Object.prototype) {
      // Versions name constructs, and the construct library takes a child named like a field of Object.prototype for a duplicate.
      check.report(versionPath, `"${version}" cannot name a version (the cdk8s construct library reserves it; choose another name)`);
      continue;
    }
    if (typeof ref !== 'string' || !(IMAGE_TAG.test(ref) || IMAGE_DIGEST.test(ref))) {
      check.report(versionPath, `${describe(ref)} is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters) or digest (sha256:<64 hex digits>)`);
      continue;
    }
    if (ref === 'latest' && !allowMutableTags) {
      check.report(versionPath, '"latest" is a mutable tag: pin a version tag or a sha256 digest (or set allowMutableTags: true)');
      continue;
    }
    if (seenTags.has(ref)) {
      check.report(versionPath, `image "${ref}" is already version ${seenTags.get(ref)} (each version needs its own image)`);
      continue;
    }
    seenTags.set(ref, version);
    versions.set(version, ref);
  }
  const port = check.integer(svc, 'port', path, 1, 65535);
  const protocol = svc.protocol === undefined ? 'http' : svc.protocol;
  if (protocol !== 'http' && protocol !== 'http2' && protocol !== 'grpc') {
    check.report(fieldPath(path, 'protocol'), `${describe(protocol)} is not a supported protocol (http, http2, grpc)`);
  }
  const pathValid = 'an HTTP path starting with / (at most 1024 URL characters)';
  const readinessPath = check.string(svc, 'readinessPath', path, HTTP_PATH, pathValid);
  const livenessPath = check.string(svc, 'livenessPath', path, HTTP_PATH, pathValid);
  const ingressPath = check.string(svc, 'ingressPath', path, HTTP_PATH, pathValid);
  const preStopSeconds = check.integer(svc, 'preStopSeconds', path, 0, 3600, 20);
  const terminationGracePeriodSeconds = check.integer(svc, 'terminationGracePeriodSeconds', path, 1, 7200,
    preStopSeconds === undefined ? undefined : preStopSeconds + 30);
  if (preStopSeconds !== undefined && terminationGracePeriodSeconds !== undefined && terminationGracePeriodSeconds <= preStopSeconds) {
    check.report(fieldPath(path, 'terminationGracePeriodSeconds'),
      `${terminationGracePeriodSeconds} must be longer than preStopSeconds (${preStopSeconds}), or the pod is killed before it can shut down gracefully`);
  }
  const resources = validateResources(check, svc.resources, fieldPath(path, 'resources'));
  if (image === undefined || port === undefined || readinessPath === undefined || livenessPath === undefined ||
      preStopSeconds === undefined || terminationGracePeriodSeconds === undefined || !resources) {
    return undefined;
  }
  return {
    name, image, versions, port, protocol: protocol as Service['protocol'], readinessPath, livenessPath, preStopSeconds,
    terminationGracePeriodSeconds, resources, ...(ingressPath === undefined ? {} : { ingressPath }),
  };
}

function validateResources(check: Checker, value: unknown, path: string): Service['resources'] | undefined {
  const defaults = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };
  if (value === undefined) return defaults;
  const spec = check.object(value, path);
  if (!spec) return undefined;
  check.fields(spec, path, ['requests', 'limits']);
  const result: Record<'requests' | 'limits', Record<string, string>> = { requests: {}, limits: {} };
  for (const group of ['requests', 'limits'] as const) {
    if (spec[group] === undefined) {
      result[group] = defaults[group];
      continue;
    }
    const amounts = check.object(spec[group], fieldPath(path, group));
    if (!amounts) return undefined;
    check.fields(amounts, fieldPath(path, group), ['cpu', 'memory']);
    for (const resource of ['cpu', 'memory'] as const) {
      const quantity = check.string(amounts, resource, fieldPath(path, group), QUANTITY, 'a Kubernetes quantity (e.g. 250m, 0.5, 128Mi, 1Gi)');
      if (quantity !== undefined) result[group][resource] = quantity;
    }
  }
  return result;
}

function validateHosts(check: Checker, value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) {
    check.report(path, `expected a non-empty list of hosts, got ${describe(value)}`);
    return [];
  }
  if (value.length > MAX_ENTRIES.ingressHosts) {
    check.report(path, `lists ${value.length} hosts (at most ${MAX_ENTRIES.ingressHosts})`);
    return [];
  }
  const hosts = new Set<string>();
  Array.from(value as unknown[]).forEach((host, index) => {
    const hostPath = `${path}[${index}]`;
    if (typeof host !== 'string' || host.length > 253 || !HOSTNAME.test(host)) {
      check.report(hostPath, `${describe(host)} is not a host name ("*", "*.example.com" or "shop.example.com")`);
    } else if (hosts.has(host)) {
      check.report(hostPath, `"${host}" is listed twice`);
    } else {
      hosts.add(host);
    }
  });
  return [...hosts];
}

/** Releases of one environment; those of declared services that failed validation are skipped (already reported). */
function validateReleases(check: Checker, environment: string, value: unknown, declared: ReadonlySet<string>,
  services: ReadonlyMap<string, Service>): ServiceRollout[] {
  const path = fieldPath('releases', environment);
  if (value === undefined) return [];
  const entries = check.object(value, path, 'a mapping of service name to release');
  if (!entries) return [];
  const undeclared = Object.keys(entries).filter((name) => !declared.has(name));
  const declaredList = [...declared].join(', ') || 'none declared';
  for (const name of undeclared) check.report(fieldPath(path, name), `"${name}" is not a declared service (${declaredList})`);
  // Service declaration order, so that output does not depend on the order of the releases mapping.
  return [...services.values()]
    .filter((service) => own(entries, service.name) !== undefined)
    .map((service) => validateRollout(check, fieldPath(path, service.name), service, own(entries, service.name)))
    .filter((r): r is ServiceRollout => r !== undefined);
}

function validateRollout(check: Checker, path: string, service: Service, value: unknown): ServiceRollout | undefined {
  const spec = check.object(value, path, 'a mapping with either version, or from and to');
  if (!spec) return undefined;
  const versionNames = [...service.versions.keys()];
  const version = (key: string): string | undefined => {
    const name = spec[key];
    if (typeof name === 'string' && service.versions.has(name)) return name;
    check.report(fieldPath(path, key), `${describe(name)} is not a declared version of ${service.name} (${versionNames.join(', ')})`);
    return undefined;
  };
  if (spec.version !== undefined || (spec.from === undefined && spec.to === undefined)) {
    check.fields(spec, path, ['version'], ['version']);
    const steady = version('version');
    return steady === undefined ? undefined : { service, from: steady, to: steady, canarySteps: [], gates: DEFAULT_GATES };
  }
  check.fields(spec, path, ['from', 'to', 'strategy', 'gates'], ['from', 'to']);
  const from = version('from');
  const to = version('to');
  if (from !== undefined && from === to) {
    check.report(fieldPath(path, 'to'), `"${to}" is also the from version (a release needs two different versions; use { version: "${to}" } for a service that stays)`);
  }
  const canarySteps = validateStrategy(check, spec.strategy, fieldPath(path, 'strategy'));
  const gates = validateGates(check, spec.gates, fieldPath(path, 'gates'));
  if (from === undefined || to === undefined || from === to || !canarySteps || !gates) return undefined;
  return { service, from, to, canarySteps, gates };
}

function validateStrategy(check: Checker, value: unknown, path: string): number[] | undefined {
  if (value === undefined) return [];
  const spec = check.object(value, path, '{ type: blueGreen } or { type: canary, steps: [...] }');
  if (!spec) return undefined;
  if (spec.type === 'blueGreen') {
    check.fields(spec, path, ['type']);
    return [];
  }
  if (spec.type !== 'canary') {
    check.report(fieldPath(path, 'type'), `${describe(spec.type)} is not a strategy (blueGreen, canary)`);
    return undefined;
  }
  check.fields(spec, path, ['type', 'steps'], ['steps']);
  const steps = spec.steps;
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 20) {
    if (steps !== undefined) check.report(fieldPath(path, 'steps'), `expected a list of 1 to 20 weights (e.g. [10, 50]), got ${describe(steps)}`);
    return undefined;
  }
  let valid = true;
  // Array.from turns holes of a sparse array into undefined, which is reported (forEach would skip them).
  Array.from(steps as unknown[]).forEach((step, index) => {
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > 99) {
      check.report(`${fieldPath(path, 'steps')}[${index}]`, `${describe(step)} is not a weight from 1 to 99 (percent of traffic to the new version)`);
      valid = false;
    } else if (index > 0 && typeof steps[index - 1] === 'number' && step <= steps[index - 1]) {
      check.report(`${fieldPath(path, 'steps')}[${index}]`, `${step} does not exceed the previous step ${steps[index - 1]} (steps must be strictly ascending)`);
      valid = false;
    }
  });
  return valid ? [...(steps as number[])] : undefined;
}

function validateGates(check: Checker, value: unknown, path: string): Gates | undefined {
  if (value === undefined) return DEFAULT_GATES;
  const spec = check.object(value, path);
  if (!spec) return undefined;
  check.fields(spec, path, Object.keys(DEFAULT_GATES));
  const propagationSeconds = check.integer(spec, 'propagationSeconds', path, 0, 3600, DEFAULT_GATES.propagationSeconds);
  const drainSeconds = check.integer(spec, 'drainSeconds', path, 0, 3600, DEFAULT_GATES.drainSeconds);
  const rolloutTimeoutSeconds = check.integer(spec, 'rolloutTimeoutSeconds', path, 1, 86400, DEFAULT_GATES.rolloutTimeoutSeconds);
  const observeSeconds = check.integer(spec, 'observeSeconds', path, 0, 86400, DEFAULT_GATES.observeSeconds);
  if (propagationSeconds === undefined || drainSeconds === undefined || rolloutTimeoutSeconds === undefined || observeSeconds === undefined) {
    return undefined;
  }
  return { propagationSeconds, drainSeconds, rolloutTimeoutSeconds, observeSeconds };
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
  const claim = (kind: string, name: string, owner: string, path: string) => {
    const previous = owners.get(`${kind}/${name}`);
    if (previous !== undefined) check.report(path, `${kind} "${name}" of ${owner} is also the ${kind} of ${previous} (rename a service or version)`);
    else owners.set(`${kind}/${name}`, owner);
  };
  const exposed = env.rollouts.filter((r) => isExposed(env, r.service));
  for (const { service } of env.rollouts) {
    const path = fieldPath(fieldPath('releases', env.name), service.name);
    claim('VirtualService', service.name, service.name, path);
    for (const version of sharedDeploymentNames.get(service) ?? []) claim('Deployment', deploymentName(service.name, version), `${service.name} ${version}`, path);
    if (isExposed(env, service)) claim('VirtualService', gatewayVirtualServiceName(service.name), `${service.name} (gateway)`, path);
  }
  exposed.forEach((a, i) => exposed.slice(i + 1).forEach((b) => {
    const [pa, pb] = [a.service.ingressPath!, b.service.ingressPath!];
    if (pa.startsWith(pb) || pb.startsWith(pa)) {
      check.report(fieldPath(fieldPath('services', b.service.name), 'ingressPath'),
        `"${pb}" overlaps ingressPath "${pa}" of ${a.service.name}, exposed through the same Gateway in environment ${env.name} (use disjoint prefixes)`);
    }
  }));
}
