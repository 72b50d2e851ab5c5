/**
 * The version matrix, defined once: each field's type, allowed values, default, documentation and the
 * message for a wrong value. The TypeScript types (./types), the defaults the model applies (./validate),
 * the JSON Schema editors read (schemas/matrix.schema.json) and the reference page (docs/matrix.md) all
 * come from here. What a schema cannot say (names that refer to other entries, generated names that must
 * not collide) is checked in ./validate.
 */
import { z } from './zod';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../manifest';
import { describeValue, fieldsOf, invalid, isPlainMapping, messageFor } from './schema-support';
import type { AdoptSpec, EnvironmentSpec, GateSpec, ReleaseSpec, ResourceSpec, RunningObjectSpec, ServiceSpec, SteadySpec, StrategySpec } from './types';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IMAGE_REPOSITORY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** An image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters) or a sha256 digest. */
const IMAGE_REFERENCE = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/;
const HTTP_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]{0,1023}$/;
const HOSTNAME = /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
/** Longest image repository name a registry accepts (Docker reference grammar). */
const MAX_IMAGE_LENGTH = 255;
/** Longest host name (RFC 1123). */
const MAX_HOST_LENGTH = 253;

/**
 * Bounds on the size of the matrix, far above real releases: validation and synthesis work grows with
 * environments x services x versions, which must stay bounded for hostile input.
 */
export const MAX_ENTRIES = { environments: 100, services: 1000, versions: 100, ingressHosts: 100, canarySteps: 20 } as const;

/** Seconds the termination grace period exceeds preStopSeconds when it is not given. */
export const GRACE_PERIOD_MARGIN_SECONDS = 30;

/**
 * For a refinement of a list that runs even when an item has the wrong type (zod skips it then by
 * default): every problem is reported, also those of the other items.
 */
const ALWAYS = { when: () => true };
// (The refinement then also sees a value that is no list at all: it checks.)

/** A whole number in [min, max]. */
function integer(min: number, max: number) {
  const error = invalid(`an integer from ${min} to ${max}`);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A string matching `pattern`; `valid` says what would be valid. */
function text(pattern: RegExp, valid: string) {
  const error = invalid(valid);
  return z.string({ error }).regex(pattern, { error });
}

/** The key of a mapping of names (environments, services, versions). */
function name(title: string, pattern: RegExp, valid: string) {
  return z.string().regex(pattern).max(DNS1123_LABEL_MAX_LENGTH)
    .meta({ title, description: `${valid}, at most ${DNS1123_LABEL_MAX_LENGTH} characters` });
}

/** Names of environments (folders under dist/), services (Kubernetes Service names) and versions. */
export const NAMES = {
  environment: name('environment', DNS1123_LABEL, 'a DNS-1123 label: lowercase letters, digits and -'),
  service: name('service', DNS1035_LABEL, 'a DNS-1035 label: lowercase letters, digits and -, starting with a letter'),
  version: name('version', DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits and -)'),
} as const;

const httpPath = () => text(HTTP_PATH, 'an HTTP path starting with / (at most 1024 URL characters)');

const hostName = invalid('a host name ("*", "*.example.com" or "shop.example.com")');

/** One environment (a namespace of one cluster). */
export const EnvironmentSchema = fieldsOf({
  namespace: text(DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits and -)')
    .max(DNS1123_LABEL_MAX_LENGTH, { error: messageFor((iss) => `${describeValue(iss.input)} is longer than ${DNS1123_LABEL_MAX_LENGTH} characters`) })
    .describe('Namespace that holds every object of this environment (DNS-1123 label); each environment needs its own.'),
  replicas: integer(1, 1000).default(2).describe('Pods per Deployment.'),
  ingressHosts: z.array(
    z.string({ error: hostName }).max(MAX_HOST_LENGTH, { error: hostName }).regex(HOSTNAME, { error: hostName }),
    { error: messageFor((iss) => `expected a non-empty list of hosts, got ${describeValue(iss.input)}`) })
    .min(1, { error: messageFor((iss) => `expected a non-empty list of hosts, got ${describeValue(iss.input)}`) })
    .max(MAX_ENTRIES.ingressHosts, { error: messageFor((iss) => `lists ${(iss.input as unknown[]).length} hosts (at most ${MAX_ENTRIES.ingressHosts})`) })
    .superRefine((hosts, ctx) => {
      if (Array.isArray(hosts)) hosts.forEach((host, index) => {
        if (typeof host === 'string' && hosts.indexOf(host) < index) ctx.addIssue({ code: 'custom', input: host, path: [index], message: `"${host}" is listed twice` });
      });
    }, ALWAYS)
    .optional()
    .describe('Hosts served by an Istio ingress Gateway (`*`, `*.example.com`, `shop.example.com`). Only services with an `ingressPath` ' +
      'are routed through it. Default: none (no Gateway, nothing exposed).'),
}).describe('One environment (a namespace of one cluster).');

const quantity = () => text(QUANTITY, 'a Kubernetes quantity (e.g. 250m, 0.5, 128Mi, 1Gi)');
const amounts = (what: string) => fieldsOf({
  cpu: quantity().optional().describe(`CPU ${what} (e.g. 250m, 0.5).`),
  memory: quantity().optional().describe(`Memory ${what} (e.g. 128Mi, 1Gi).`),
});

/** CPU and memory of one container, as Kubernetes quantities. */
export const ResourcesSchema = fieldsOf({
  requests: amounts('requested').default({ cpu: '100m', memory: '128Mi' }).describe('Requested CPU and memory.'),
  limits: amounts('limit').default({ memory: '256Mi' }).describe('CPU and memory limits (by default no CPU limit, to avoid throttling).'),
});

/** One service: what is common to all its versions. */
export const ServiceSchema = fieldsOf({
  image: text(IMAGE_REPOSITORY, 'an image repository without tag or digest (e.g. registry.example.com/team/app)')
    .max(MAX_IMAGE_LENGTH, { error: messageFor((iss) => `"${String(iss.input).slice(0, 40)}..." is longer than ${MAX_IMAGE_LENGTH} characters (the limit of image references)`) })
    .describe('Image repository without tag, e.g. `sdaschner/coffee-shop`.'),
  versions: z.record(NAMES.version,
    text(IMAGE_REFERENCE, 'an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters) or digest (sha256:<64 hex digits>)')
      .describe('Image tag or `sha256:` digest of the version (not `latest` unless allowMutableTags).'))
    .describe('Versions of the service: version name (DNS-1123 label) -> image tag or `sha256:` digest; each version its own image, ' +
      `at least one and at most ${MAX_ENTRIES.versions}.`),
  port: integer(1, 65535).describe('Container port, also the Service port.'),
  protocol: z.enum(['http', 'http2', 'grpc'], { error: invalid('a supported protocol (http, http2, grpc)') }).default('http')
    .describe('Istio protocol of the port; the Service port is named after it.'),
  readinessPath: httpPath().describe('HTTP path of the readiness probe.'),
  livenessPath: httpPath().describe('HTTP path of the liveness probe.'),
  preStopSeconds: integer(0, 3600).default(20)
    .describe('Seconds the preStop hook sleeps so that endpoints and proxies forget a pod before it gets SIGTERM.'),
  terminationGracePeriodSeconds: integer(1, 7200).optional()
    .describe(`Pod termination grace period; must exceed preStopSeconds. Default: preStopSeconds + ${GRACE_PERIOD_MARGIN_SECONDS}.`),
  resources: ResourcesSchema.prefault({}).describe('Container resources, as Kubernetes quantities.'),
  ingressPath: httpPath().optional()
    .describe('URI prefix under which environments with ingress hosts expose this service. Default: not exposed.'),
  allowMutableTags: z.boolean({ error: invalid('true or false') }).default(false).describe('Allow the mutable tag `latest` as a version\'s image.'),
}).describe('One service: what is common to all its versions.');

/** A canary weight: percent of traffic to the new version. */
export const WEIGHT = z.number({ error: invalid('a weight from 1 to 99 (percent of traffic to the new version)') })
  .int({ error: invalid('a weight from 1 to 99 (percent of traffic to the new version)') })
  .min(1, { error: invalid('a weight from 1 to 99 (percent of traffic to the new version)') })
  .max(99, { error: invalid('a weight from 1 to 99 (percent of traffic to the new version)') });
const stepsError = messageFor((iss) => `expected a list of 1 to ${MAX_ENTRIES.canarySteps} weights (e.g. [10, 50]), got ${describeValue(iss.input)}`);

const STRATEGY_TYPE = '`blueGreen`: all traffic moves from the old version to the new one in one phase; ' +
  '`canary`: `steps` percent to the new version, one phase per step, then all of it.';

/** How traffic moves from the old version to the new one. */
export const StrategySchema = z.discriminatedUnion('type', [
  fieldsOf({ type: z.literal('blueGreen').describe(STRATEGY_TYPE) }),
  fieldsOf({
    type: z.literal('canary').describe(STRATEGY_TYPE),
    steps: z.array(WEIGHT, { error: stepsError }).min(1, { error: stepsError }).max(MAX_ENTRIES.canarySteps, { error: stepsError })
      .describe('Weights of the new version in percent, strictly ascending, each 1..99.'),
  }),
], {
  error: messageFor((iss) => (isPlainMapping(iss.input)
    ? `${describeValue(iss.input.type)} is not a strategy (blueGreen, canary)`
    : `expected { type: blueGreen } or { type: canary, steps: [...] }, got ${describeValue(iss.input)}`)),
});

/** Waiting times between phases. */
export const GatesSchema = fieldsOf({
  propagationSeconds: integer(0, 3600).default(5)
    .describe('Minimum seconds for Istio config to reach every proxy (used when istiod does not report status).'),
  drainSeconds: integer(0, 3600).default(30).describe('Seconds for clients to finish keep-alive connections before the old version is removed.'),
  rolloutTimeoutSeconds: integer(1, 86400).default(600).describe('Seconds a new Deployment may take to become ready.'),
  observeSeconds: integer(0, 86400).default(0).describe('Seconds to observe each canary step before the next.'),
});

const versionReference = (meaning: string) => z.string({ error: invalid('a version name (one of the service\'s versions)') }).describe(meaning);

/** The kinds of running objects a service can be adopted with. */
export const ADOPTABLE_KINDS = ['Deployment', 'Service', 'VirtualService'] as const;

/** A running object, as `kubectl get -o yaml` shows it. */
export const RunningObjectSchema = z.object({
  apiVersion: z.string({ error: invalid('an apiVersion (e.g. apps/v1)') }).describe('The object\'s apiVersion.'),
  kind: z.enum(ADOPTABLE_KINDS, { error: invalid(`a kind that can be adopted (${ADOPTABLE_KINDS.join(', ')})`) }).describe('The object\'s kind.'),
  metadata: z.record(z.string(), z.unknown(), { error: invalid('a mapping with at least name') })
    .describe('Name, namespace (the environment\'s; default: the environment\'s), labels and annotations; other fields are ignored.'),
  spec: z.record(z.string(), z.unknown(), { error: invalid('the object\'s spec (a mapping)') }).describe('The object\'s spec, as it runs.'),
  status: z.unknown().optional().describe('Ignored (kubectl shows it).'),
}, { error: messageFor((iss) => `expected a Kubernetes object (apiVersion, kind, metadata, spec), got ${describeValue(iss.input)}`) })
  .describe('A Kubernetes object already running in the environment outside the phase model, as `kubectl get -o yaml` shows it.');

/** A service that already runs outside the phase model. */
export const AdoptSchema = fieldsOf({
  objects: z.array(RunningObjectSchema, { error: messageFor((iss) => `expected a list of running objects, got ${describeValue(iss.input)}`) })
    .min(1, { error: 'lists no object (at least the running Deployment is needed)' })
    .describe('The running objects of the service: its Deployments (at least one), its Service and VirtualService named like it if it has them.'),
}).describe('A service that already runs outside the phase model, moved into it make-before-break before anything else changes.');

/** A service running one version in an environment. */
export const SteadySchema = fieldsOf({
  version: versionReference('The version that runs (one of the service\'s versions).'),
  adopt: AdoptSchema.optional().describe('The service already runs outside the phase model: the plan first moves its pods into it. Default: nothing adopted.'),
  retire: z.boolean({ error: invalid('true or false') }).default(false)
    .describe('The service leaves the environment: the plan stops routing to it, drains and deletes its objects.'),
}).describe('A service running one version, unchanged by this release.');

/** A service moving from one version to another in an environment. */
export const ReleaseSchema = fieldsOf({
  from: versionReference('The version live before the release.'),
  to: versionReference('The version live after the release (another than from).'),
  strategy: StrategySchema.default({ type: 'blueGreen' }).describe('How traffic moves from the old version to the new one.'),
  gates: GatesSchema.prefault({}).describe('Waiting times between phases.'),
}).describe('A service moving from one version to another.');

/** The whole matrix: what a matrix file holds. */
export const MatrixSchema = fieldsOf({
  environments: z.record(NAMES.environment, EnvironmentSchema)
    .describe(`Environments by name (DNS-1123 label, used as the folder name under dist/; not \`argocd\`), at most ${MAX_ENTRIES.environments}.`),
  services: z.record(NAMES.service, ServiceSchema)
    .describe(`Services by name (DNS-1035 label, used as the Kubernetes Service name), at most ${MAX_ENTRIES.services}.`),
  releases: z.record(NAMES.environment, z.record(NAMES.service, z.union([SteadySchema, ReleaseSchema])
    .describe('Either `version` (the service stays at it), or `from` and `to` (with optional `strategy` and `gates`): a release.'))
    .describe('The services deployed in this environment.'))
    .describe('Per environment, per service: the version that runs, or a release. A service absent here is not deployed there.'),
}).meta({
  title: 'cdk8s-phased-rollout version matrix',
  description: 'Services x versions x environments, and per environment which version of each service runs or is being released.',
});

/** `T` with every field and list read-only, as the spec types are. */
type DeepReadonly<T> = T extends readonly (infer E)[] ? readonly DeepReadonly<E>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** Whether two types are identical (the same fields, optionality and read-only modifiers), not only assignable. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

/** What a user writes for a schema: its input, read-only. */
type Input<S extends z.ZodType> = DeepReadonly<z.input<S>>;

// The schema accepts exactly the types users write (./types): a field added to one and not the other fails here.
const schemaMatchesTypes: [
  Same<Input<typeof EnvironmentSchema>, EnvironmentSpec>, Same<Input<typeof ResourcesSchema>, ResourceSpec>,
  Same<Input<typeof ServiceSchema>, ServiceSpec>, Same<Input<typeof StrategySchema>, StrategySpec>, Same<Input<typeof GatesSchema>, GateSpec>,
  Same<Input<typeof SteadySchema>, SteadySpec>, Same<Input<typeof ReleaseSchema>, ReleaseSpec>,
  Same<Input<typeof RunningObjectSchema>, RunningObjectSpec>, Same<Input<typeof AdoptSchema>, AdoptSpec>,
] = [true, true, true, true, true, true, true, true, true];
void schemaMatchesTypes;
