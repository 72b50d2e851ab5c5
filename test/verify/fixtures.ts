/**
 * Test helper: phase states made of objects shaped like the ones synthesis writes (versioned Deployments,
 * PodDisruptionBudgets, Service, DestinationRule, mesh and gateway VirtualServices, Gateway), the release
 * model of DESIGN.md section 3 to build whole plans from, and a writer of environment folders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { identityKey, KubeObject, ObjectRef, refOf } from '../../src/manifest';
import { PhaseGates, PlanFile, PLAN_FORMAT_VERSION } from '../../src/plan/plan-file';
import { PhaseManifest } from '../../src/verify';
import { ObjectData } from '../helpers';

/** One service in one phase. */
export interface ServiceState {
  /** Service name (app label, Service, DestinationRule and VirtualService name). */
  readonly name: string;
  /** Versions that have a Deployment `<name>-<version>`. */
  readonly deployments: readonly string[];
  /** DestinationRule subsets. @default deployments */
  readonly subsets?: readonly string[];
  /** Mesh VirtualService weights by version (versions with weight 0 are listed with weight 0). */
  readonly weights: Readonly<Record<string, number>>;
  /** Gateway-bound VirtualService weights; absent means the service has no gateway. */
  readonly gatewayWeights?: Readonly<Record<string, number>>;
  /** Container image by version. @default `registry.example/<name>:<version>` */
  readonly images?: Readonly<Record<string, string>>;
  /** Service selector. @default { app: name } */
  readonly selector?: Readonly<Record<string, string>>;
}

/** Objects of one service in one phase. */
export function serviceObjects(namespace: string, service: ServiceState): ObjectData[] {
  const { name } = service;
  const meta = (objectName: string) => ({ name: objectName, namespace, labels: { app: name } });
  const route = (weights: Readonly<Record<string, number>>, port?: number) => [{
    route: Object.entries(weights).map(([version, weight]) => ({
      destination: { host: name, subset: version, ...(port ? { port: { number: port } } : {}) }, weight,
    })),
  }];
  const objects: ObjectData[] = service.deployments.flatMap((version) => {
    const labels = { app: name, version };
    return [
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(`${name}-${version}`),
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels },
            spec: {
              terminationGracePeriodSeconds: 30,
              containers: [{
                name, image: service.images?.[version] ?? `registry.example/${name}:${version}`,
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/health', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 2 },
                lifecycle: { preStop: { exec: { command: ['sleep', '20'] } } },
              }],
            },
          },
        },
      },
      {
        apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(`${name}-${version}`),
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      },
    ];
  });
  objects.push(
    {
      apiVersion: 'v1', kind: 'Service', metadata: meta(name),
      spec: { selector: service.selector ?? { app: name }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
    },
    {
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta(name),
      spec: { host: name, subsets: (service.subsets ?? service.deployments).map((v) => ({ name: v, labels: { version: v } })) },
    },
    {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(name),
      spec: { hosts: [name], http: route(service.weights) },
    },
  );
  if (service.gatewayWeights) {
    objects.push(
      {
        apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(`${name}-gateway`),
        spec: { hosts: ['*'], gateways: [`${name}-gateway`], http: route(service.gatewayWeights, 8080) },
      },
      {
        apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta(`${name}-gateway`),
        spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
      },
    );
  }
  return objects;
}

/** The whole state of a namespace: the Namespace and every service's objects. */
export function stateObjects(namespace: string, services: readonly ServiceState[]): ObjectData[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    ...services.flatMap((service) => serviceObjects(namespace, service)),
  ];
}

/** A phase numbered like synthesis numbers its folders (`01-prepare`). */
export function phase(index: number, name: string, objects: readonly KubeObject[], gates?: PhaseGates): PhaseManifest {
  return { name, path: `${String(index).padStart(2, '0')}-${name}`, objects, gates };
}

/** Phases from states in order, named by `names`. */
export function phases(namespace: string, names: readonly string[], states: readonly (readonly ServiceState[])[],
  gates?: readonly PhaseGates[]): PhaseManifest[] {
  return states.map((services, i) => phase(i, names[i], stateObjects(namespace, services), gates?.[i]));
}

/** One service's release, or none (the service stays at `from`). */
export interface ServiceRelease {
  /** Service name. */
  readonly name: string;
  /** Version live before the release. */
  readonly from: string;
  /** Version live after the release; absent for a service without a release. */
  readonly to?: string;
  /** Whether the service follows the canary steps or switches at once. */
  readonly strategy: 'blueGreen' | 'canary';
  /** Whether the service also has a gateway-bound VirtualService. */
  readonly gateway: boolean;
}

/** A service in one phase, abstractly (DESIGN.md section 3): the model property tests reason about. */
export interface AbstractRow {
  /** Versions with a Deployment. */
  readonly deployments: readonly string[];
  /** Versions with a DestinationRule subset. */
  readonly subsets: readonly string[];
  /** Route weights by version (> 0 only). */
  readonly weights: Readonly<Record<string, number>>;
}

/** A release plan of several services in shared phases. */
export interface AbstractPlan {
  /** Phase names in order. */
  readonly names: readonly string[];
  /** Per phase, the gate kinds synthesis would set. */
  readonly gateKinds: readonly (readonly GateKind[])[];
  /** Per service, its row in each phase. */
  readonly rows: ReadonlyMap<ServiceRelease, readonly AbstractRow[]>;
}

/** Gates a phase can have. */
export type GateKind = 'rollout' | 'propagation' | 'observe' | 'drain';

/** The phases of DESIGN.md section 3 for releases sharing canary steps (blue/green services hold during canaries). */
export function releasePlan(services: readonly ServiceRelease[], canarySteps: readonly number[]): AbstractPlan {
  const names = ['baseline', 'prepare', ...canarySteps.map((w) => `canary-${w}`), 'switch', 'cleanup'];
  const gateKinds: GateKind[][] = names.map((name) =>
    name === 'prepare' ? ['rollout', 'propagation'] : name.startsWith('canary') ? ['propagation', 'observe']
      : name === 'switch' ? ['propagation', 'drain'] : []);
  const rows = new Map<ServiceRelease, AbstractRow[]>();
  for (const service of services) {
    const { from: a, to: b } = service;
    rows.set(service, names.map((name, i): AbstractRow => {
      if (b === undefined || name === 'baseline') return { deployments: [a], subsets: [a], weights: { [a]: 100 } };
      if (name === 'cleanup') return { deployments: [b], subsets: [b], weights: { [b]: 100 } };
      const both = [a, b];
      if (name === 'switch') return { deployments: both, subsets: both, weights: { [b]: 100 } };
      const w = name === 'prepare' || service.strategy === 'blueGreen' ? 0 : canarySteps[i - 2];
      return { deployments: both, subsets: both, weights: w === 0 ? { [a]: 100 } : w === 100 ? { [b]: 100 } : { [a]: 100 - w, [b]: w } };
    }));
  }
  return { names, gateKinds, rows };
}

/** Service states of one phase of an abstract plan. */
export function rowStates(plan: AbstractPlan, index: number): ServiceState[] {
  return [...plan.rows].map(([service, rows]) => ({
    name: service.name,
    deployments: rows[index].deployments,
    subsets: rows[index].subsets,
    weights: rows[index].weights,
    gatewayWeights: service.gateway ? rows[index].weights : undefined,
  }));
}

/** Gates of a phase as plan.json states them, given the previous phase's objects. */
export function gatesOf(kinds: readonly GateKind[], objects: readonly KubeObject[], previous: readonly KubeObject[]): PhaseGates {
  const before = new Set(previous.map(identityKey));
  const created = objects.filter((o) => o.kind === 'Deployment' && !before.has(identityKey(o))).map(refOf);
  const istio = objects.filter((o) => o.kind === 'DestinationRule' || o.kind === 'VirtualService').map(refOf);
  return {
    ...(kinds.includes('rollout') ? { rollout: { deployments: created, timeoutSeconds: 300 } } : {}),
    ...(kinds.includes('propagation') ? { propagation: { objects: istio, seconds: 5 } } : {}),
    ...(kinds.includes('observe') ? { observe: { seconds: 60 } } : {}),
    ...(kinds.includes('drain') ? { drain: { seconds: 30 } } : {}),
  };
}

/** Concrete phases of an abstract plan, with gates when `withGates`. Picks phases by index (all by default). */
export function planPhases(namespace: string, plan: AbstractPlan, withGates: boolean,
  indexes: readonly number[] = plan.names.map((_, i) => i)): PhaseManifest[] {
  const objects = indexes.map((i) => stateObjects(namespace, rowStates(plan, i)));
  return indexes.map((planIndex, i) => phase(i, plan.names[planIndex], objects[i],
    withGates ? gatesOf(plan.gateKinds[planIndex], objects[i], objects[i - 1] ?? []) : undefined));
}

/** Writes phases as `DIR/NN-name/resources.yaml`, plus plan.json when `withPlan`. */
export function writeEnvironment(dir: string, environment: string, namespace: string, list: readonly PhaseManifest[], withPlan: boolean): void {
  mkdirSync(dir, { recursive: true });
  let previous: readonly KubeObject[] = [];
  const planPhasesList = list.map((p, index) => {
    mkdirSync(join(dir, p.path), { recursive: true });
    writeFileSync(join(dir, p.path, 'resources.yaml'), p.objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n'));
    const keys = new Set(p.objects.map(identityKey));
    const removes: ObjectRef[] = previous.filter((o) => !keys.has(identityKey(o))).map(refOf);
    previous = p.objects;
    return { index, name: p.name, path: p.path, removes, gates: p.gates ?? {} };
  });
  if (!withPlan) return;
  const plan: PlanFile = { formatVersion: PLAN_FORMAT_VERSION, environment, namespace, releases: [], phases: planPhasesList };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
}
