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
import { kubernetesSchema, kubernetesSchemaOwning } from './kubernetes';
import type {
  AdoptSpec, AutoscalingBoundsSpec, AutoscalingSpec, ConfigMapSpec, EnvironmentSpec, GateSpec, MainContainerSpec, OverridesSpec, PodSpecExtras, ReleaseSpec,
  ResourceSpec, RunningObjectSpec, SecretReferenceSpec, ServiceSpec, SteadySpec, StrategySpec, VersionSpec,
} from './types';

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
export const MAX_ENTRIES = { environments: 100, services: 1000, versions: 100, ingressHosts: 100, canarySteps: 20, configMaps: 20, secrets: 20 } as const;

/**
 * Istio's port protocols a mesh service can be released with (Istio's protocol selection: the Service port is named
 * `<protocol>`). HTTP-like ones are routed by `http` routes and probed by HTTP paths; TCP-like ones by weighted `tcp`
 * routes and a tcpSocket probe (Istio treats mysql and redis as plain TCP unless their filters are enabled: the
 * routes are the same). Not offered: https and tls (a sidecar routes them by SNI, which weighted `tls` routes need
 * matches for) and udp (not proxied).
 */
export const PROTOCOLS = { http: ['http', 'http2', 'grpc', 'grpc-web'], tcp: ['tcp', 'mongo', 'mysql', 'redis'] } as const;

/** Most pods per Deployment: an environment's replicas, an autoscaler's minReplicas and maxReplicas. */
export const MAX_REPLICAS = 1000;

/** Most metrics one autoscaler lists (the HPA controller computes a replica count per metric on every sync). */
export const MAX_METRICS = 10;

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

/** The Pod Security Standards, from the strictest. */
export const POD_SECURITY_LEVELS = ['restricted', 'baseline', 'privileged'] as const;
const replicaCount = () => integer(1, MAX_REPLICAS);

/** An autoscaler's replica bounds in one environment. */
export const AutoscalingBoundsSchema = fieldsOf({
  minReplicas: replicaCount().optional().describe('Fewest pods per Deployment here. Default: the service\'s minReplicas.'),
  maxReplicas: replicaCount().optional().describe('Most pods per Deployment here. Default: the service\'s maxReplicas.'),
});

const metricsError = messageFor((iss) => `expected a list of 1 to ${MAX_METRICS} autoscaling/v2 metrics, got ${describeValue(iss.input)}`);

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) per version Deployment: its metrics and behavior use
 * Kubernetes' field names, so that a spec pasted from an existing HPA works.
 */
export const AutoscalingSchema = fieldsOf({
  minReplicas: replicaCount().optional().describe('Fewest pods per Deployment. Default: the environment\'s replicas.'),
  maxReplicas: replicaCount().describe('Most pods per Deployment; also what each version runs while two versions run side by side (see docs).'),
  metrics: z.array(kubernetesSchema('MetricSpec'), { error: metricsError }).min(1, { error: metricsError }).max(MAX_METRICS, { error: metricsError })
    .optional().describe('autoscaling/v2 metrics (Kubernetes\' MetricSpec). Default: CPU utilization of 80% of the requested CPU.'),
  behavior: kubernetesSchema('HorizontalPodAutoscalerBehavior').optional()
    .describe('autoscaling/v2 scale-up and scale-down behavior (Kubernetes\' HorizontalPodAutoscalerBehavior). Default: Kubernetes\'.'),
}).describe('A HorizontalPodAutoscaler per version Deployment.');

/** One environment (a namespace of one cluster). */
export const EnvironmentSchema = fieldsOf({
  namespace: text(DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits and -)')
    .max(DNS1123_LABEL_MAX_LENGTH, { error: messageFor((iss) => `${describeValue(iss.input)} is longer than ${DNS1123_LABEL_MAX_LENGTH} characters`) })
    .describe('Namespace that holds every object of this environment (DNS-1123 label); each environment needs its own.'),
  replicas: integer(1, MAX_REPLICAS).default(2).describe('Pods per Deployment (of services without autoscaling).'),
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
  podSecurity: z.enum(POD_SECURITY_LEVELS, { error: invalid('a Pod Security level (restricted, baseline, privileged)') }).default('restricted')
    .describe('The Pod Security Standard the namespace enforces. A service whose pod settings leave the restricted profile is refused ' +
      'unless its environment allows their level here; PLAN.md then lists each such setting.'),
  autoscaling: z.record(NAMES.service, AutoscalingBoundsSchema, { error: invalid('a mapping of service name to { minReplicas, maxReplicas }') }).optional()
    .describe('Per service with `autoscaling`: its replica bounds in this environment, over the service\'s own. Default: the service\'s bounds.'),
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

/** Kubernetes' rule for ConfigMap keys: letters, digits, `-`, `_` and `.`, at most 253, not `.` nor starting with `..`. */
const CONFIG_KEY = /^(?!\.\.)(?!\.$)[-._a-zA-Z0-9]{1,253}$/;
/** An absolute path of a mount: segments of letters, digits, `-`, `_` and `.`, none `.` or `..`. */
const MOUNT_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/;
/** Longest mount path accepted. */
const MAX_MOUNT_PATH_LENGTH = 1024;
/** The name of a declared ConfigMap or referenced Secret: a DNS-1123 label short enough to name its pod volume (`config-<name>`, `secret-<name>`). */
const CONFIG_NAME = z.string().regex(DNS1123_LABEL).max(DNS1123_LABEL_MAX_LENGTH - 'secret-'.length)
  .meta({ title: 'configuration name', description: `a DNS-1123 label of at most ${DNS1123_LABEL_MAX_LENGTH - 'secret-'.length} characters` });

/** A mapping whose keys `key` checks: a key it refuses is named with what would be valid. */
function keyed<V extends z.ZodType>(key: z.ZodString, value: V, what: string) {
  const valid = key.meta()?.description;
  return z.record(key, value, {
    error: (iss) => (iss.code === 'invalid_key' ? `${describeValue(iss.input)} is not a valid name (${valid})`
      : messageFor((i) => `expected a mapping of ${what}, got ${describeValue(i.input)}`)(iss)),
  });
}

const configData = () => keyed(
  z.string().regex(CONFIG_KEY).meta({ title: 'key', description: 'a ConfigMap key: letters, digits, -, _ and ., at most 253, not . nor starting with ..' }),
  z.string({ error: invalid('a string (quote numbers and booleans)') }), 'keys to strings');

const mountPath = (what: string) => text(MOUNT_PATH, 'an absolute path (e.g. /etc/app) of letters, digits, -, _ and ., without . or .. segments')
  .max(MAX_MOUNT_PATH_LENGTH, { error: messageFor(() => `is longer than ${MAX_MOUNT_PATH_LENGTH} characters`) }).optional()
  .describe(`Directory where the main container mounts ${what} read-only, one file per key. Default: not mounted.`);
const asEnv = (what: string) => z.boolean({ error: invalid('true or false') }).default(false)
  .describe(`Whether every key of ${what} becomes an environment variable of the main container (envFrom).`);

/** A ConfigMap of a service, its data common to every version with per-version differences. */
export const ConfigMapSchema = fieldsOf({
  data: configData().default({}).describe('Keys and string values of every version (at most 1 MiB in all, as Kubernetes allows).'),
  versions: keyed(NAMES.version, fieldsOf({
    data: configData().describe('Keys and values of this version: they replace (or add to) those of `data`.'),
  }), 'versions').optional().describe('Per version (one of the service\'s versions): what differs from `data`. Default: every version has `data`.'),
  mountPath: mountPath('the ConfigMap'),
  asEnv: asEnv('the ConfigMap'),
}).describe('A ConfigMap of the service: one per version, immutable, `<service>-<version>-<name>`.');

const SECRET_VALUES = 'a Secret\'s values do not belong in the matrix (it is committed and rendered into dist/): create the Secret outside it ' +
  '(e.g. kubectl create secret generic NAME --from-file=...) and reference it here by name';
const refusedSecretValues = z.never({ error: messageFor(() => SECRET_VALUES) }).optional().describe(`Refused: ${SECRET_VALUES}.`);

/** A reference to a Secret that exists outside the matrix. */
export const SecretReferenceSchema = fieldsOf({
  mountPath: mountPath('the Secret'),
  asEnv: asEnv('the Secret'),
  data: refusedSecretValues,
  stringData: refusedSecretValues,
}).describe('A Secret created outside the matrix, read by the main container.');

const k8sList = <N extends Parameters<typeof kubernetesSchema>[0]>(definition: N) => z.array(kubernetesSchema(definition), { error: invalid('a list') });
const stringMap = () => z.record(z.string(), z.string({ error: invalid('a string') }), { error: invalid('a mapping of strings') });

/** Set by the product: a message saying from what. */
const OWNED_CONTAINER_FIELDS = {
  name: 'is set by cdk8s-phased-rollout: the main container is named after the service',
  image: 'is set by cdk8s-phased-rollout from the service\'s image and versions',
  resources: 'is set by cdk8s-phased-rollout from the service\'s resources (and the release entry\'s overrides)',
} as const;
const OWNED_POD_FIELDS = {
  terminationGracePeriodSeconds: 'is set by cdk8s-phased-rollout from the service\'s terminationGracePeriodSeconds',
} as const;

/** The main container's fields beyond those the product sets. */
export const MainContainerSchema = kubernetesSchemaOwning('Container', OWNED_CONTAINER_FIELDS);
/** The pod's fields beyond those the product sets; `containers` are those besides the main one. */
export const PodSchema = kubernetesSchemaOwning('PodSpec', OWNED_POD_FIELDS, ['containers']);
/** Pod labels and annotations. */
export const PodMetadataSchema = fieldsOf({
  labels: stringMap().optional().describe('Labels of the pods, besides app and version.'),
  annotations: stringMap().optional().describe('Annotations of the pods (e.g. prometheus.io/scrape), besides proxy.istio.io/config.'),
});

const imageReference = () => text(IMAGE_REFERENCE, 'an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most 128 characters) or digest (sha256:<64 hex digits>)');
const imageRepository = () => text(IMAGE_REPOSITORY, 'an image repository without tag or digest (e.g. registry.example.com/team/app)')
  .max(MAX_IMAGE_LENGTH, { error: messageFor((iss) => `"${String(iss.input).slice(0, 40)}..." is longer than ${MAX_IMAGE_LENGTH} characters (the limit of image references)`) });

/** A version in the short form: its image tag or digest. */
export const VersionTagSchema = imageReference().describe('Image tag or `sha256:` digest of the version (not `latest` unless allowMutableTags).');
/** A version with its own image repository or environment. */
export const VersionImageSchema = fieldsOf({
  image: imageRepository().optional().describe('Image repository of this version. Default: the service\'s image.'),
  tag: imageReference().describe('Image tag or `sha256:` digest of the version (not `latest` unless allowMutableTags).'),
  env: k8sList('EnvVar').optional().describe('Environment variables of this version\'s main container, over the service\'s (by name).'),
}, 'a mapping with tag, and optionally image and env');
/** One version: its image tag (the short form), or its own image and environment. Validation parses a mapping with VersionImageSchema (its own messages). */
export const VersionSchema = z.union([VersionTagSchema, VersionImageSchema],
  { error: invalid('an image tag or digest, or { tag, image, env }') });

/** Per environment, what differs for one service (without repeating the service). */
export const OverridesSchema = fieldsOf({
  replicas: integer(1, 1000).optional().describe('Pods per Deployment of this service here. Default: the environment\'s replicas.'),
  resources: fieldsOf({ requests: amounts('requested').optional(), limits: amounts('limit').optional() }).optional()
    .describe('CPU and memory here, each amount over the service\'s.'),
  env: k8sList('EnvVar').optional().describe('Environment variables of the main container here, over the service\'s and the version\'s (by name).'),
  nodeSelector: stringMap().optional().describe('The pods\' nodeSelector here (replaces the service\'s).'),
  tolerations: k8sList('Toleration').optional().describe('The pods\' tolerations here (replace the service\'s).'),
  affinity: kubernetesSchema('Affinity').optional().describe('The pods\' affinity here (replaces the service\'s).'),
  topologySpreadConstraints: k8sList('TopologySpreadConstraint').optional().describe('The pods\' topology spread constraints here (replace the service\'s).'),
  priorityClassName: z.string({ error: invalid('a PriorityClass name') }).optional().describe('The pods\' priorityClassName here.'),
}).describe('What differs for this service in this environment.');

/** One service: what is common to all its versions. */
export const ServiceSchema = fieldsOf({
  image: imageRepository()
    .describe('Image repository without tag, e.g. `sdaschner/coffee-shop`.'),
  versions: z.record(NAMES.version, VersionSchema)
    .describe('Versions of the service: version name (DNS-1123 label) -> image tag or `sha256:` digest, or { image, tag, env }; ' +
      `each version its own image reference, at least one and at most ${MAX_ENTRIES.versions}.`),
  port: integer(1, 65535).describe('Container port, also the Service port.'),
  protocol: z.enum([...PROTOCOLS.http, ...PROTOCOLS.tcp], { error: invalid(`a supported protocol (${[...PROTOCOLS.http, ...PROTOCOLS.tcp].join(', ')})`) })
    .default('http')
    .describe(`Istio protocol of the port; the Service port is named after it. HTTP-like (${PROTOCOLS.http.join(', ')}): \`http\` routes; ` +
      `TCP-like (${PROTOCOLS.tcp.join(', ')}): weighted \`tcp\` routes, no ingressPath, tcpSocket probes unless paths are given.`),
  readinessPath: httpPath().optional()
    .describe('HTTP path of the readiness probe (on the service port); required for HTTP-like protocols unless container.readinessProbe is given. ' +
      'Default for TCP-like ones: a tcpSocket probe on the port.'),
  livenessPath: httpPath().optional()
    .describe('HTTP path of the liveness probe (on the service port); required for HTTP-like protocols unless container.livenessProbe is given. ' +
      'Default for TCP-like ones: a tcpSocket probe on the port.'),
  preStopSeconds: integer(0, 3600).default(20)
    .describe('Seconds the preStop hook sleeps so that endpoints and proxies forget a pod before it gets SIGTERM.'),
  terminationGracePeriodSeconds: integer(1, 7200).optional()
    .describe(`Pod termination grace period; must exceed preStopSeconds. Default: preStopSeconds + ${GRACE_PERIOD_MARGIN_SECONDS}.`),
  resources: ResourcesSchema.prefault({}).describe('Container resources, as Kubernetes quantities.'),
  // The workload beyond the port and probe paths, with Kubernetes' own field names (src/constructs/version-workload.ts renders them).
  preStopAction: z.enum(['exec', 'sleep'], { error: invalid('a preStop action (exec, sleep)') }).default('exec')
    .describe('How the preStop hook waits preStopSeconds: `exec` runs `sleep` in the main container (the image needs a sleep binary), ' +
      '`sleep` is Kubernetes\' native sleep action (clusters from 1.29).'),
  container: MainContainerSchema.optional()
    .describe('More fields of the main container, as in a Kubernetes Container (env, envFrom, command, args, ports, volumeMounts, probes, ' +
      'securityContext over the restricted defaults, workingDir...). Default: none.'),
  pod: PodSchema.optional()
    .describe('More fields of the pod, as in a Kubernetes PodSpec (volumes, initContainers, containers besides the main one, ' +
      'serviceAccountName, scheduling, securityContext over the restricted defaults...). Default: none.'),
  podMetadata: PodMetadataSchema.optional().describe('Labels and annotations of the pods (not app and version, which the product sets). Default: none.'),
  ingressPath: httpPath().optional()
    .describe('URI prefix under which environments with ingress hosts expose this service. Default: not exposed.'),
  allowMutableTags: z.boolean({ error: invalid('true or false') }).default(false).describe('Allow the mutable tag `latest` as a version\'s image.'),
  configMaps: keyed(CONFIG_NAME, ConfigMapSchema, 'ConfigMaps by name').optional()
    .describe(`ConfigMaps of the service by name (DNS-1123 label), at most ${MAX_ENTRIES.configMaps}: each version gets its own, immutable, ` +
      'named `<service>-<version>-<name>`, so that changed configuration is a release like a changed image. Default: none.'),
  secrets: keyed(CONFIG_NAME, SecretReferenceSchema, 'Secrets by name').optional()
    .describe(`Secrets the main container reads, by the name of a Secret created outside the matrix (DNS-1123 label), at most ${MAX_ENTRIES.secrets}. ` +
      'Never their values. Default: none.'),
  autoscaling: AutoscalingSchema.optional()
    .describe('A HorizontalPodAutoscaler per version Deployment, which then owns its replica count. Default: none (the environment\'s replicas).'),
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
  overrides: OverridesSchema.optional(),
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
  overrides: OverridesSchema.optional(),
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
  Same<Input<typeof ConfigMapSchema>, ConfigMapSpec>, Same<Input<typeof SecretReferenceSchema>, SecretReferenceSpec>,
  Same<Input<typeof VersionSchema>, VersionSpec>, Same<Input<typeof OverridesSchema>, OverridesSpec>,
  Same<Input<typeof MainContainerSchema>, MainContainerSpec>, Same<Input<typeof PodSchema>, PodSpecExtras>,
  Same<Input<typeof AutoscalingSchema>, AutoscalingSpec>, Same<Input<typeof AutoscalingBoundsSchema>, AutoscalingBoundsSpec>,
  Same<Input<typeof RunningObjectSchema>, RunningObjectSpec>, Same<Input<typeof AdoptSchema>, AdoptSpec>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void schemaMatchesTypes;
