/** One version of a service: its Deployment and PodDisruptionBudget. */
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { autoscalingOf, Environment, Service } from '../matrix/model';
import { deploymentName } from '../matrix/naming';
import { MANAGED_BY, versionLabels } from './labels';

/** Properties of {@link VersionWorkload}. */
export interface VersionWorkloadProps {
  /** The service. */
  readonly service: Service;
  /** The version to run (a key of service.versions). */
  readonly version: string;
  /** The environment (namespace, replicas). */
  readonly environment: Environment;
}

/** Readiness probe timing from the seed article: ready after 10 s, checked every 5 s, out after 2 failures. */
const READINESS = { initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 1 };
/** Liveness is lenient: restarting a slow but working pod drops its in-flight requests. */
const LIVENESS = { initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 };
/** Restricted Pod Security Standard, for the pod and for the container. */
const SECCOMP = { type: 'RuntimeDefault' };

/** `repository:tag`, or `repository@sha256:...` for a digest. */
export function imageReference(service: Service, version: string): string {
  const ref = service.versions.get(version)!;
  return ref.startsWith('sha256:') ? `${service.image}@${ref}` : `${service.image}:${ref}`;
}

/**
 * Deployment `<service>-<version>` with an explicit (not hash-based) selector on `app` and `version`,
 * probes, a preStop sleep shorter than the grace period, a surge-only rolling update, the restricted
 * security context, and a PodDisruptionBudget of the same name.
 */
export class VersionWorkload extends Construct {
  /** The Deployment `<service>-<version>`. */
  public readonly deployment: k8s.KubeDeployment;
  /** The PodDisruptionBudget of the same name. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: VersionWorkloadProps) {
    super(scope, id);
    const { service, version, environment } = props;
    const name = deploymentName(service.name, version);
    const labels = versionLabels(service.name, version);
    const metadata = { name, namespace: environment.namespace, labels: { ...labels, ...MANAGED_BY } };
    const port = k8s.IntOrString.fromNumber(service.port);

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        // Under an HPA the HPA owns replicas: kubectl apply of a manifest that sets it would fight the HPA on every phase, and once set,
        // leaving it out resets the Deployment to 1 pod. So an autoscaled Deployment never writes it (its HPA is in ./autoscaling).
        ...(autoscalingOf(environment, service) ? {} : { replicas: environment.replicas }),
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels,
            annotations: {
              // The sidecar starts before and outlives the app: no request fails while the proxy is not there yet or already gone.
              'proxy.istio.io/config': JSON.stringify({
                holdApplicationUntilProxyStarts: true,
                terminationDrainDuration: `${service.preStopSeconds}s`,
              }),
            },
          },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: SECCOMP },
            terminationGracePeriodSeconds: service.terminationGracePeriodSeconds,
            containers: [{
              name: service.name,
              image: imageReference(service, version),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: service.protocol, containerPort: service.port, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: service.readinessPath, port }, ...READINESS },
              livenessProbe: { httpGet: { path: service.livenessPath, port }, ...LIVENESS },
              ...(service.preStopSeconds > 0
                ? { lifecycle: { preStop: { exec: { command: ['sleep', String(service.preStopSeconds)] } } } }
                : {}),
              resources: {
                requests: quantities(service.resources.requests),
                limits: quantities(service.resources.limits),
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                seccompProfile: SECCOMP,
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });

    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels } },
    });
  }
}

function quantities(amounts: Readonly<Record<string, string>>): Record<string, k8s.Quantity> {
  return Object.fromEntries(Object.entries(amounts).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
}
