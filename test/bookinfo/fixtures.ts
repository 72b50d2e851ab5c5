/**
 * The Bookinfo application of Istio's samples (details, ratings, reviews, productpage, each on port 9080),
 * written as our own objects from the sample's facts, and the phase folders of a hand-written release of
 * reviews v1 -> v3 built from them. The files have the names and the split of Istio's sample files
 * (bookinfo.yaml, destination-rule-all.yaml, virtual-service-*.yaml, bookinfo-gateway.yaml), and, like
 * them, no object carries metadata.namespace.
 *
 * `npx tsx test/bookinfo/fixtures.ts DIR` writes the environments into DIR (to reproduce a test by hand).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

type Manifest = Record<string, unknown>;

const PORT = 9080;
const IMAGE_TAG = '1.20.1';
const SERVICES = ['details', 'ratings', 'reviews', 'productpage'] as const;
type Service = typeof SERVICES[number];

/** The subsets of each service's DestinationRule in the sample's destination-rule-all.yaml. */
const SAMPLE_SUBSETS: Readonly<Record<Service, readonly string[]>> = {
  productpage: ['v1'],
  reviews: ['v1', 'v2', 'v3'],
  ratings: ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm'],
  details: ['v1', 'v2'],
};

/** The reviews VirtualService of a phase: the file that holds it, its apiVersion and its weights by subset. */
interface ReviewsRoute {
  /** The file of the phase that holds it; `virtual-service-all-v1.yaml` holds it with the other services' routes. */
  readonly file: string;
  /** Its apiVersion (the sample's files differ). */
  readonly apiVersion: string;
  /** Weight by subset; a single subset is routed without a weight. */
  readonly weights: Readonly<Record<string, number>>;
}

const ALL_V1 = 'virtual-service-all-v1.yaml';
const ROUTE_V1: ReviewsRoute = { file: ALL_V1, apiVersion: 'networking.istio.io/v1', weights: { v1: 100 } };
const ROUTE_50_V3: ReviewsRoute = { file: 'virtual-service-reviews-50-v3.yaml', apiVersion: 'networking.istio.io/v1', weights: { v1: 50, v3: 50 } };
const ROUTE_V3: ReviewsRoute = { file: 'virtual-service-reviews-v3.yaml', apiVersion: 'networking.istio.io/v1alpha3', weights: { v3: 100 } };

/** What a phase holds of reviews; the other services run v1 only, routed to subset v1, in every phase. */
interface ReviewsPhase {
  /** The reviews Deployments, by the version they are named after: the version of the image each runs. */
  readonly deployments: Readonly<Record<string, string>>;
  /** The subsets of the reviews DestinationRule. */
  readonly subsets: readonly string[];
  /** The reviews VirtualService. */
  readonly route: ReviewsRoute;
}

const BASELINE: ReviewsPhase = { deployments: { v1: 'v1' }, subsets: ['v1'], route: ROUTE_V1 };
const PREPARE: ReviewsPhase = { deployments: { v1: 'v1', v3: 'v3' }, subsets: ['v1', 'v3'], route: ROUTE_V1 };
const CANARY_50: ReviewsPhase = { ...PREPARE, route: ROUTE_50_V3 };
const SWITCH: ReviewsPhase = { ...PREPARE, route: ROUTE_V3 };
const CLEANUP: ReviewsPhase = { deployments: { v3: 'v3' }, subsets: ['v3'], route: ROUTE_V3 };

/** Each environment: its phase folders, in order. */
const ENVIRONMENTS: Readonly<Record<string, Readonly<Record<string, ReviewsPhase>>>> = {
  'safe': { '00-baseline': BASELINE, '01-prepare': PREPARE, '02-canary-50': CANARY_50, '03-switch': SWITCH, '04-cleanup': CLEANUP },
  // reviews-v3 created, subset v3 added and all traffic routed to it at once.
  'unsafe/prepare-and-switch-merged': { '00-baseline': BASELINE, '01-switch': SWITCH },
  // reviews-v1 and subset v1 removed while the previous phase still routes half the traffic there.
  'unsafe/cleanup-before-drain': { '00-baseline': BASELINE, '01-prepare': PREPARE, '02-canary-50': CANARY_50, '03-cleanup': CLEANUP },
  // the switch also drops subset v1, which the canary before it routes to.
  'unsafe/subset-removed-while-routed': {
    '00-baseline': BASELINE, '01-prepare': PREPARE, '02-canary-50': CANARY_50, '03-switch': { ...SWITCH, subsets: ['v3'] },
  },
  // reviews-v1 itself gets the v3 image.
  'unsafe/in-place-image-change': { '00-baseline': BASELINE, '01-upgrade': { ...BASELINE, deployments: { v1: 'v3' } } },
  // the safe release with the Deployments as the sample ships them: without readiness probes.
  'unsafe/as-shipped-without-readiness': { '00-baseline': BASELINE, '01-prepare': PREPARE, '02-canary-50': CANARY_50, '03-switch': SWITCH, '04-cleanup': CLEANUP },
};

/**
 * The environment whose Deployments have no readiness probe, as the sample's. The sample's Deployments have none,
 * which loses requests when a new version's pods get traffic (state/routed-without-readiness): the other
 * environments add a tcpSocket probe on the port (the sample documents no health path for every service).
 */
const WITHOUT_READINESS = 'unsafe/as-shipped-without-readiness';

function service(name: Service): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: name, service: name } },
    spec: { ports: [{ port: PORT, name: 'http' }], selector: { app: name } },
  };
}

function serviceAccount(name: Service): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `bookinfo-${name}`, labels: { account: name } } };
}

/** The emptyDir volumes each service's container writes to (reviews runs on WebSphere Liberty). */
const VOLUMES: Readonly<Record<Service, readonly { name: string; mountPath: string }[]>> = {
  details: [],
  ratings: [],
  reviews: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }],
  productpage: [{ name: 'tmp', mountPath: '/tmp' }],
};

/**
 * Deployment `<name>-<version>` running the image of `imageVersion` (`version` undefined: Deployment `<name>`, pods labelled by
 * app only), with a readiness probe when `probed`.
 */
function deployment(name: Service, version: string | undefined, imageVersion: string, probed: boolean): Manifest {
  const labels = version === undefined ? { app: name } : { app: name, version };
  const volumes = VOLUMES[name];
  const container = {
    name,
    image: `docker.io/istio/examples-bookinfo-${name}-${imageVersion}:${IMAGE_TAG}`,
    imagePullPolicy: 'IfNotPresent',
    ...(name === 'reviews' ? { env: [{ name: 'LOG_DIR', value: '/tmp/logs' }] } : {}),
    ports: [{ containerPort: PORT }],
    ...(probed ? { readinessProbe: { tcpSocket: { port: PORT }, periodSeconds: 5 } } : {}),
    ...(volumes.length > 0 ? { volumeMounts: volumes } : {}),
  };
  const annotations = name === 'productpage'
    ? { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORT), 'prometheus.io/path': '/metrics' } }
    : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: version === undefined ? name : `${name}-${version}`, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { ...annotations, labels },
        spec: {
          serviceAccountName: `bookinfo-${name}`,
          containers: [container],
          ...(volumes.length > 0 ? { volumes: volumes.map((v) => ({ name: v.name, emptyDir: {} })) } : {}),
        },
      },
    },
  };
}

function destinationRule(host: Service, subsets: readonly string[]): Manifest {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host },
    spec: { host, subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
  };
}

function virtualService(host: Service, apiVersion: string, weights: Readonly<Record<string, number>>): Manifest {
  const subsets = Object.entries(weights);
  const route = subsets.map(([subset, weight]) => ({ destination: { host, subset }, ...(subsets.length > 1 ? { weight } : {}) }));
  return { apiVersion, kind: 'VirtualService', metadata: { name: host }, spec: { hosts: [host], http: [{ route }] } };
}

/** The Gateway on the ingress gateway's port 80 and the VirtualService that sends productpage's paths there. */
function ingress(): Manifest[] {
  const apiVersion = 'networking.istio.io/v1alpha3';
  return [
    {
      apiVersion,
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
    {
      apiVersion,
      kind: 'VirtualService',
      metadata: { name: 'bookinfo' },
      spec: {
        hosts: ['*'],
        gateways: ['bookinfo-gateway'],
        http: [{
          match: [
            { uri: { exact: '/productpage' } },
            { uri: { prefix: '/static' } },
            { uri: { exact: '/login' } },
            { uri: { exact: '/logout' } },
            { uri: { prefix: '/api/v1/products' } },
          ],
          route: [{ destination: { host: 'productpage', port: { number: PORT } } }],
        }],
      },
    },
  ];
}

/** The YAML stream of `manifests`, one document each. */
function yamlOf(manifests: readonly Manifest[]): string {
  // Without aliases: the shared label objects are written out in full, as a user writes them.
  return manifests.map((manifest) => stringify(manifest, { aliasDuplicateObjects: false })).join('---\n');
}

/** The route of every service to subset v1, the reviews route too unless `withReviews` is false. */
function allV1(withReviews: boolean): Manifest[] {
  return SERVICES.filter((name) => withReviews || name !== 'reviews')
    .map((name) => virtualService(name, ROUTE_V1.apiVersion, ROUTE_V1.weights));
}

/** virtual-service-all-v1.yaml as the sample has it: every service, reviews too, routed to v1. */
export function allV1VirtualServicesYaml(): string {
  return yamlOf(allV1(true));
}

/** destination-rule-all.yaml as the sample has it: subsets for versions that have no Deployment here. */
export function sampleDestinationRulesYaml(): string {
  return yamlOf(SERVICES.map((name) => destinationRule(name, SAMPLE_SUBSETS[name])));
}

/** File name -> content of one phase folder. */
function phaseFiles(reviews: ReviewsPhase, probed: boolean): Map<string, string> {
  const deployments = (name: Service) => (name === 'reviews'
    ? Object.entries(reviews.deployments).map(([version, image]) => deployment(name, version, image, probed))
    : [deployment(name, 'v1', 'v1', probed)]);
  const files = new Map<string, string>();
  files.set('bookinfo.yaml', yamlOf(SERVICES.flatMap((name) => [service(name), serviceAccount(name), ...deployments(name)])));
  files.set('destination-rule-all.yaml', yamlOf(SERVICES.map((name) => destinationRule(name, name === 'reviews' ? reviews.subsets : ['v1']))));
  // The reviews route to v1 is in virtual-service-all-v1.yaml; any other takes its place there, in a file of its own.
  const ownFile = reviews.route.file !== ALL_V1;
  files.set(ALL_V1, yamlOf(allV1(!ownFile)));
  if (ownFile) files.set(reviews.route.file, yamlOf([virtualService('reviews', reviews.route.apiVersion, reviews.route.weights)]));
  files.set('bookinfo-gateway.yaml', yamlOf(ingress()));
  return files;
}

/** Where writeBookinfo put the environments. */
export interface BookinfoFolders {
  /** reviews v1 -> v3 make-before-break: 00-baseline 01-prepare 02-canary-50 03-switch 04-cleanup. */
  readonly safe: string;
  /**
   * The folder of the unsafe variants: prepare-and-switch-merged, cleanup-before-drain, subset-removed-while-routed, in-place-image-change,
   * as-shipped-without-readiness.
   */
  readonly unsafe: string;
}

/** Writes `root/safe/NN-phase/*.yaml` and `root/unsafe/<variant>/NN-phase/*.yaml`. */
export function writeBookinfo(root: string): BookinfoFolders {
  for (const [environment, phases] of Object.entries(ENVIRONMENTS)) {
    for (const [phase, reviews] of Object.entries(phases)) {
      const dir = join(root, environment, phase);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of phaseFiles(reviews, environment !== WITHOUT_READINESS)) writeFileSync(join(dir, file), text);
    }
  }
  return { safe: join(root, 'safe'), unsafe: join(root, 'unsafe') };
}

/** `manifest` in `namespace` (the sample's objects carry none: kubectl gives them its --namespace). */
function inNamespace(manifest: Manifest, namespace: string): Manifest {
  return { ...manifest, metadata: { ...(manifest.metadata as Manifest), namespace } };
}

/**
 * reviews as bookinfo.yaml installs it, in `namespace`: the Service `reviews` selecting `app: reviews` and the
 * Deployments reviews-v1, reviews-v2 and reviews-v3 (pods labelled app and version, no preStop hook), with no
 * DestinationRule or VirtualService: what runs before it is adopted.
 */
export function runningReviews(namespace: string): Manifest[] {
  return [service('reviews'), ...['v1', 'v2', 'v3'].map((v) => deployment('reviews', v, v, false))].map((m) => inNamespace(m, namespace));
}

/**
 * reviews as an app installed the usual way and updated in place for years, in `namespace`: one Deployment
 * `reviews` (selector `app: reviews`) running the v1 image, its Service and, with `withVirtualService`, a
 * VirtualService `reviews` routing every request to the Service's endpoints.
 */
export function unversionedReviews(namespace: string, withVirtualService: boolean): Manifest[] {
  const route: Manifest = {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' },
    spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
  };
  return [service('reviews'), deployment('reviews', undefined, 'v1', false), ...(withVirtualService ? [route] : [])].map((m) => inNamespace(m, namespace));
}

if (require.main === module) {
  const [root] = process.argv.slice(2);
  if (!root) {
    process.stderr.write('usage: npx tsx test/bookinfo/fixtures.ts DIR\n');
    process.exit(2);
  }
  writeBookinfo(root);
}

/** A volume of a pod of Istio's sample and where its container mounts it. */
export interface SamplePodVolume {
  /** Volume name (an emptyDir in the sample). */
  readonly name: string;
  /** Where the container mounts it. */
  readonly mountPath: string;
}

/** What a Deployment of the sample's bookinfo.yaml gives its pod (our own record of its facts, not its YAML). */
export interface SamplePod {
  /** The service (Service name, container name, `app` label). */
  readonly service: Service;
  /** The version (`version` label). */
  readonly version: string;
  /** Image repository; the sample's release tags every image alike (SAMPLE_RELEASE_TAG). */
  readonly repository: string;
  /** The pod's service account. */
  readonly serviceAccountName: string;
  /** The container's environment variables, name -> value. */
  readonly env: Readonly<Record<string, string>>;
  /** Its emptyDir volumes with their mounts, in the order the container mounts them. */
  readonly volumes: readonly SamplePodVolume[];
  /** The container port. */
  readonly containerPort: number;
  /** Pod annotations. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** The tag of every image of the sample's current release. */
export const SAMPLE_RELEASE_TAG = '1.20.3';

const reviewsPod = (version: string): SamplePod => ({
  service: 'reviews', version, repository: `docker.io/istio/examples-bookinfo-reviews-${version}`, serviceAccountName: 'bookinfo-reviews',
  env: { LOG_DIR: '/tmp/logs' }, containerPort: PORT, annotations: {},
  volumes: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }],
});

/** Every Deployment of the sample's bookinfo.yaml, by Deployment name. */
export const SAMPLE_PODS: Readonly<Record<string, SamplePod>> = {
  'details-v1': {
    service: 'details', version: 'v1', repository: 'docker.io/istio/examples-bookinfo-details-v1', serviceAccountName: 'bookinfo-details',
    env: {}, volumes: [], containerPort: PORT, annotations: {},
  },
  'ratings-v1': {
    service: 'ratings', version: 'v1', repository: 'docker.io/istio/examples-bookinfo-ratings-v1', serviceAccountName: 'bookinfo-ratings',
    env: {}, volumes: [], containerPort: PORT, annotations: {},
  },
  'reviews-v1': reviewsPod('v1'),
  'reviews-v2': reviewsPod('v2'),
  'reviews-v3': reviewsPod('v3'),
  'productpage-v1': {
    service: 'productpage', version: 'v1', repository: 'docker.io/istio/examples-bookinfo-productpage-v1',
    serviceAccountName: 'bookinfo-productpage', env: {}, volumes: [{ name: 'tmp', mountPath: '/tmp' }], containerPort: PORT,
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080', 'prometheus.io/path': '/metrics' },
  },
};
