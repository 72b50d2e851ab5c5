/**
 * examples/bookinfo.yaml: Istio's Bookinfo sample as a matrix. Each pod template it renders carries what the
 * sample's Deployment gives its pod (./fixtures.ts SAMPLE_PODS: image, env, volumes and mounts, service
 * account, port, annotations), plus only what the product adds; the committed examples/bookinfo/dist is
 * what synthesis writes; its releases are the canary and the blue/green the example promises.
 */
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadMatrixFile } from '../../src/matrix';
import { synthesizeFiles } from '../../src/synth';
import { readTree } from '../tree';
import { SAMPLE_PODS, SAMPLE_RELEASE_TAG } from './fixtures';

const root = join(__dirname, '../..');
/** Where the example's dist/ is in the repository: `npm run synth` names it so (PHASED_ROLLOUT_ARGOCD_DIST_PATH). */
const DIST = 'examples/bookinfo/dist';
const files = withDistPath(DIST, () => synthesizeFiles(loadMatrixFile(join(root, 'examples/bookinfo.yaml'))));

function withDistPath<T>(path: string, run: () => T): T {
  const before = process.env.PHASED_ROLLOUT_ARGOCD_DIST_PATH;
  process.env.PHASED_ROLLOUT_ARGOCD_DIST_PATH = path;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env.PHASED_ROLLOUT_ARGOCD_DIST_PATH;
    else process.env.PHASED_ROLLOUT_ARGOCD_DIST_PATH = before;
  }
}

/** Every Deployment of every phase of every environment, with where it is. */
const deployments = [...files].filter(([path]) => path.endsWith('.k8s.yaml') && !path.startsWith('argocd/'))
  .flatMap(([path, text]) => parseAllDocuments(text).map((document) => document.toJS()).filter((o) => o?.kind === 'Deployment')
    .map((deployment) => ({ path, deployment })));

/** The product's own writable /tmp, which it adds to a pod that has none (the root file system is read-only). */
const PRODUCT_TMP = { volume: { name: 'tmp', emptyDir: {} }, mount: { name: 'tmp', mountPath: '/tmp' } };

describe('examples/bookinfo.yaml', () => {
  test('renders every Deployment of the sample', () => {
    expect(new Set(deployments.map((d) => d.deployment.metadata.name))).toEqual(new Set(Object.keys(SAMPLE_PODS)));
  });

  test.each(Object.keys(SAMPLE_PODS))('each pod template of %s carries the sample\'s image, env, volumes, mounts, service account, port and annotations', (name) => {
    const sample = SAMPLE_PODS[name];
    const rendered = deployments.filter((d) => d.deployment.metadata.name === name);
    expect(rendered.length).toBeGreaterThan(0);
    for (const { path, deployment } of rendered) {
      const { metadata, spec: pod } = deployment.spec.template;
      const [container, ...others] = pod.containers;
      const at = `${path} ${name}`;
      expect({ at, others }).toEqual({ at, others: [] });
      expect({ at, labels: metadata.labels }).toEqual({ at, labels: { app: sample.service, version: sample.version } });
      expect({ at, name: container.name }).toEqual({ at, name: sample.service });
      expect({ at, image: container.image }).toEqual({ at, image: `${sample.repository}:${SAMPLE_RELEASE_TAG}` });
      expect({ at, serviceAccountName: pod.serviceAccountName }).toEqual({ at, serviceAccountName: sample.serviceAccountName });
      expect({ at, env: Object.fromEntries((container.env ?? []).map((v: any) => [v.name, v.value])) }).toEqual({ at, env: sample.env });
      expect({ at, ports: container.ports.map((p: any) => p.containerPort) }).toEqual({ at, ports: [sample.containerPort] });
      const annotations = { ...metadata.annotations };
      delete annotations['proxy.istio.io/config'];
      expect({ at, annotations }).toEqual({ at, annotations: sample.annotations });
      // The sample's emptyDir volumes and mounts, in its order; a pod without /tmp gets the product's.
      const volumes = sample.volumes.length > 0 ? sample.volumes.map((v) => ({ name: v.name, emptyDir: {} })) : [PRODUCT_TMP.volume];
      const mounts = sample.volumes.length > 0 ? sample.volumes : [PRODUCT_TMP.mount];
      expect({ at, volumes: [...pod.volumes].sort((a, b) => (a.name < b.name ? -1 : 1)) })
        .toEqual({ at, volumes: [...volumes].sort((a, b) => (a.name < b.name ? -1 : 1)) });
      expect({ at, mounts: container.volumeMounts }).toEqual({ at, mounts });
    }
  });

  test('staging releases reviews v1 -> v2 as a canary, production v2 -> v3 blue/green', () => {
    const plan = (env: string) => JSON.parse(files.get(`${env}/plan.json`)!) as { releases: unknown[]; phases: { name: string }[] };
    expect(plan('staging').releases).toEqual([{ service: 'reviews', from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [10, 50] } }]);
    expect(plan('staging').phases.map((p) => p.name)).toEqual(['baseline', 'prepare', 'canary-10', 'canary-50', 'switch', 'cleanup']);
    expect(plan('production').releases).toEqual([{ service: 'reviews', from: 'v2', to: 'v3', strategy: { type: 'blueGreen' } }]);
    expect(plan('production').phases.map((p) => p.name)).toEqual(['baseline', 'prepare', 'switch', 'cleanup']);
  });

  test('the Argo CD Application and PLAN.md name the folder where the example is, not dist/', () => {
    expect(files.get('argocd/production.yaml')).toContain(`path: ${DIST}/production/00-baseline`);
    expect(files.get('production/PLAN.md')).toContain(`phased-rollout apply ${DIST}/production`);
    expect(files.get('production/PLAN.md')).not.toMatch(/[^/]dist\/production/);
  });

  test('examples/bookinfo/dist is what synthesis writes (npm run synth)', () => {
    const committed = readTree(join(root, 'examples/bookinfo/dist'));
    expect([...committed.keys()]).toEqual([...files.keys()].sort((a, b) => (a < b ? -1 : 1)));
    for (const [path, text] of files) expect({ path, text: committed.get(path) }).toEqual({ path, text });
  });
});
