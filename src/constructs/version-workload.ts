/** One version of a service: its Deployment and PodDisruptionBudget. */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s';
import type { Container, EnvVar, LifecycleHandler, PodSpec } from '../../imports/k8s-workload';
import { autoscalingOf, Environment, Service } from '../matrix/model';
import { containerSecurityContext, podSecurityContext } from '../matrix/pod-security';
import type { OverridesSpec } from '../matrix/types';
import { addsTmpVolume, TMP_VOLUME } from '../matrix/workload-checks';
import { deploymentName } from '../matrix/naming';
import { MANAGED_BY, versionLabels } from './labels';
import { withVersionConfiguration } from './version-config';

/** Properties of {@link VersionWorkload}. */
export interface VersionWorkloadProps {
  /** The service. */
  readonly service: Service;
  /** The version to run (a key of service.versions). */
  readonly version: string;
  /** The environment (namespace, replicas). */
  readonly environment: Environment;
  /** What differs for the service in this environment (replicas, resources, env, scheduling). @default nothing */
  readonly overrides?: OverridesSpec;
}

/**
 * Deployment `<service>-<version>` with an explicit (not hash-based) selector on `app` and `version`,
 * probes, a preStop sleep shorter than the grace period, a surge-only rolling update, the restricted
 * security context under the service's own settings, and a PodDisruptionBudget of the same name.
 */
export class VersionWorkload extends Construct {
  /** The Deployment `<service>-<version>` (an ApiObject: its pod template carries the Kubernetes fields as given). */
  public readonly deployment: ApiObject;
  /** The PodDisruptionBudget of the same name. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: VersionWorkloadProps) {
    super(scope, id);
    const { service, version, environment } = props;
    const overrides = props.overrides ?? {};
    const name = deploymentName(service.name, version);
    const labels = versionLabels(service.name, version);
    const metadata = { name, namespace: environment.namespace, labels: { ...labels, ...MANAGED_BY } };

    this.deployment = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        // Under an HPA the HPA owns replicas: kubectl apply of a manifest that sets it would fight the HPA on every phase, and once set,
        // leaving it out resets the Deployment to 1 pod. So an autoscaled Deployment never writes it (its HPA is in ./autoscaling).
        ...(autoscalingOf(environment, service) ? {} : { replicas: overrides.replicas ?? environment.replicas }),
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...service.podMetadata.labels, ...labels },
            annotations: {
              ...service.podMetadata.annotations,
              // The sidecar starts before and outlives the app: no request fails while the proxy is not there yet or already gone.
              'proxy.istio.io/config': JSON.stringify({
                holdApplicationUntilProxyStarts: true,
                terminationDrainDuration: `${service.preStopSeconds}s`,
              }),
            },
          },
          spec: withVersionConfiguration(service, version, podSpec(service, version, overrides)),
        },
      },
    });

    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
    });
  }
}

/** The pod of a version: the service's pod fields, the main container first, the environment's overrides over them. */
function podSpec(service: Service, version: string, overrides: OverridesSpec): PodSpec {
  const { pod, container } = service;
  const tmp = addsTmpVolume(container, pod);
  const { image, env } = service.versions.get(version)!;
  const preStop = service.preStopSeconds === 0 ? undefined : service.preStopAction === 'sleep'
    // Kubernetes' own sleep action (1.29+), which 1.27's types do not have.
    ? { sleep: { seconds: service.preStopSeconds } } as LifecycleHandler
    : { exec: { command: ['sleep', String(service.preStopSeconds)] } };
  const lifecycle = { ...container.lifecycle, ...(preStop ? { preStop } : {}) };
  const mergedEnv = mergeByName([container.env, env, overrides.env]);
  const main: Container = {
    ...container,
    name: service.name,
    image,
    imagePullPolicy: container.imagePullPolicy ?? 'IfNotPresent',
    ports: [{ name: service.protocol, containerPort: service.port, protocol: 'TCP' }, ...(container.ports ?? [])],
    ...(mergedEnv.length > 0 ? { env: mergedEnv } : {}),
    readinessProbe: service.readinessProbe,
    livenessProbe: service.livenessProbe,
    ...(Object.keys(lifecycle).length > 0 ? { lifecycle } : {}),
    resources: {
      requests: { ...service.resources.requests, ...overrides.resources?.requests },
      limits: { ...service.resources.limits, ...overrides.resources?.limits },
    },
    securityContext: containerSecurityContext(container.securityContext),
    volumeMounts: [...(tmp ? [TMP_VOLUME] : []), ...(container.volumeMounts ?? [])],
  };
  const secured = (other: Container): Container => ({ ...other, securityContext: containerSecurityContext(other.securityContext) });
  const scheduling = Object.fromEntries((['nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName'] as const)
    .filter((field) => overrides[field] !== undefined).map((field) => [field, overrides[field]]));
  return {
    ...pod,
    ...scheduling,
    automountServiceAccountToken: pod.automountServiceAccountToken ?? false,
    securityContext: podSecurityContext(pod.securityContext),
    terminationGracePeriodSeconds: service.terminationGracePeriodSeconds,
    containers: [main, ...(pod.containers ?? []).map(secured)],
    ...(pod.initContainers ? { initContainers: pod.initContainers.map(secured) } : {}),
    volumes: [...(tmp ? [{ name: TMP_VOLUME.name, emptyDir: {} }] : []), ...(pod.volumes ?? [])],
  };
}

/** The variables of the lists in order, a later one replacing an earlier one of the same name in its place. */
function mergeByName(lists: readonly (readonly EnvVar[] | undefined)[]): EnvVar[] {
  const byName = new Map<string, EnvVar>();
  for (const list of lists) for (const variable of list ?? []) byName.set(variable.name, variable);
  return [...byName.values()];
}
