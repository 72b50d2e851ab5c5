/** The HorizontalPodAutoscaler of one version Deployment. */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Autoscaling, Environment, Service } from '../matrix/model';
import { deploymentName } from '../matrix/naming';
import { MANAGED_BY, versionLabels } from './labels';

/** Properties of {@link VersionAutoscaler}. */
export interface VersionAutoscalerProps {
  /** The service. */
  readonly service: Service;
  /** The version whose Deployment it scales (a key of service.versions). */
  readonly version: string;
  /** The environment (namespace). */
  readonly environment: Environment;
  /** The service's autoscaling in this environment. */
  readonly autoscaling: Autoscaling;
  /** minReplicas in this phase (src/plan/capacity.ts: raised while two versions run side by side). @default autoscaling.minReplicas */
  readonly minReplicas?: number;
}

/**
 * HorizontalPodAutoscaler (autoscaling/v2) `<service>-<version>` of the Deployment of the same name, in the
 * same file: it appears and disappears with the Deployment. Its Deployment leaves `replicas` out (see
 * VersionWorkload). Rendered as a plain ApiObject: metrics and behavior are Kubernetes' own JSON, as the
 * matrix gives them.
 */
export class VersionAutoscaler extends Construct {
  /** The HorizontalPodAutoscaler `<service>-<version>`. */
  public readonly horizontalPodAutoscaler: ApiObject;

  constructor(scope: Construct, id: string, props: VersionAutoscalerProps) {
    super(scope, id);
    const { service, version, environment, autoscaling } = props;
    const name = deploymentName(service.name, version);
    this.horizontalPodAutoscaler = new ApiObject(this, 'HorizontalPodAutoscaler', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: environment.namespace, labels: { ...versionLabels(service.name, version), ...MANAGED_BY } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: props.minReplicas ?? autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: autoscaling.metrics,
        ...(autoscaling.behavior === undefined ? {} : { behavior: autoscaling.behavior }),
      },
    });
  }
}
