/**
 * A stand-in for the Kubernetes API server, for tests that run the real kubectl client (there is no
 * cluster). It listens on 127.0.0.1 (plain http, a free port), answers the discovery kubectl asks for
 * (/api, /apis and each group version of the kinds below; 404 for the rest, which kubectl then does
 * without) and records the body of every server-side apply request (PATCH, application/apply-patch+yaml),
 * answering with the object. `apply(path)` runs `kubectl apply --server-side -f path`, as our executors do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The kubectl client the executors run. */
export const KUBECTL = '/usr/bin/kubectl';

/** The namespace of the kubeconfig's context: kubectl sets it on namespaced objects that name none. */
export const CONTEXT_NAMESPACE = 'stand-in-default';

/** One kind the stand-in serves. */
interface Kind {
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** The kinds served, by group version (the core group is `v1`). */
const KINDS: Readonly<Record<string, readonly Kind[]>> = {
  v1: [
    { kind: 'Service', plural: 'services', namespaced: true },
    { kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
    { kind: 'Namespace', plural: 'namespaces', namespaced: false },
  ],
  'apps/v1': [{ kind: 'Deployment', plural: 'deployments', namespaced: true }],
  'policy/v1': [{ kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true }],
  'networking.istio.io/v1': [
    { kind: 'VirtualService', plural: 'virtualservices', namespaced: true },
    { kind: 'DestinationRule', plural: 'destinationrules', namespaced: true },
    { kind: 'Gateway', plural: 'gateways', namespaced: true },
  ],
};

/** What one `kubectl apply` run did. */
export interface ApplyRun {
  /** kubectl's exit code. */
  readonly code: number;
  /** The objects kubectl sent, in the order it sent them (each apply request's body, parsed). */
  readonly sent: unknown[];
  /** kubectl's standard error (its messages when it refused input). */
  readonly stderr: string;
}

/** What any kubectl run against the stand-in did: an apply run's facts and kubectl's standard output. */
export interface KubectlRun extends ApplyRun {
  /** kubectl's standard output. */
  readonly stdout: string;
}

/** A running stand-in API server. */
export interface ApiStandIn {
  /** Runs `kubectl apply --server-side -f path` (extra arguments after) against the stand-in. */
  apply(path: string, ...args: string[]): Promise<ApplyRun>;
  /** Runs kubectl with these arguments against the stand-in (which stores nothing: every object is absent). */
  kubectl(...args: string[]): Promise<KubectlRun>;
  /** Every request path kubectl asked for, for tests that check what it needs. */
  readonly requests: string[];
  /** Stops the server and removes the kubeconfig. */
  close(): Promise<void>;
}

function resourceList(groupVersion: string, kinds: readonly Kind[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: kinds.map((k) => ({
      name: k.plural,
      singularName: k.kind.toLowerCase(),
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

function discovery(path: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  if (path === '/apis') {
    const groups = Object.keys(KINDS).filter((gv) => gv.includes('/')).map((gv) => {
      const [group, version] = gv.split('/');
      return { name: group, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  if (path === '/api/v1') return resourceList('v1', KINDS.v1);
  const match = /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
  if (match && KINDS[match[1]]) return resourceList(match[1], KINDS[match[1]]);
  return undefined;
}

/** Starts a stand-in API server and writes a kubeconfig for it. */
export async function startApiStandIn(): Promise<ApiStandIn> {
  const requests: string[] = [];
  /** Bodies of the apply requests of the kubectl run under way (runs are one at a time). */
  let sent: unknown[] = [];
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0];
      requests.push(`${request.method} ${path}`);
      if (request.method === 'PATCH') {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        sent.push(body);
        answer(response, 200, body);
        return;
      }
      const found = request.method === 'GET' ? discovery(path) : undefined;
      if (found === undefined) answer(response, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      else answer(response, 200, found);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'kube-stand-in-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: stand-in',
    'clusters:', '- name: stand-in', '  cluster:', `    server: http://127.0.0.1:${port}`,
    'contexts:', '- name: stand-in', '  context:', '    cluster: stand-in', '    user: stand-in', `    namespace: ${CONTEXT_NAMESPACE}`,
    'users:', '- name: stand-in', '  user:', '    token: stand-in', '',
  ].join('\n'));
  /** The last run started: each waits for it, so that every body is recorded under its own run. */
  let queue: Promise<unknown> = Promise.resolve();
  const run = (argv: string[]) => new Promise<KubectlRun>((resolve) => {
    sent = [];
    execFile(KUBECTL, argv, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, sent, stdout, stderr });
    });
  });
  return {
    requests,
    apply(path: string, ...args: string[]): Promise<ApplyRun> {
      const argv = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'apply', '--server-side', '--field-manager=stand-in', '--validate=false', '-f', path, ...args];
      const result = queue.then(() => run(argv));
      queue = result;
      return result;
    },
    kubectl(...args: string[]): Promise<KubectlRun> {
      const result = queue.then(() => run(['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]));
      queue = result;
      return result;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}
