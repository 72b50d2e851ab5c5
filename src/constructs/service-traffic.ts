/**
 * How traffic reaches the versions of a service, one construct per object that changes on its own
 * between phases (so that each distinct object is rendered once): the Service, the DestinationRule
 * subsets, and the VirtualService split.
 */
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { DestinationRule, VirtualService, VirtualServiceSpecHttpRoute } from '../../imports/istio-networking.istio.io';
import { Environment, isExposed, isTcpProtocol, Service } from '../matrix/model';
import { gatewayName, gatewayVirtualServiceName } from '../matrix/naming';
import { WeightedVersion } from '../plan/planner';
import { MANAGED_BY } from './labels';

/** Properties shared by the traffic constructs. */
export interface ServiceTrafficProps {
  /** The service. */
  readonly service: Service;
  /** The environment (namespace, ingress hosts). */
  readonly environment: Environment;
}

function metadata(props: ServiceTrafficProps, name: string) {
  return { name, namespace: props.environment.namespace, labels: { app: props.service.name, ...MANAGED_BY } };
}

/** Service `<service>` selecting every version by `app`, its port named by Istio's protocol convention. */
export class MeshService extends Construct {
  /** The Service `<service>`. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: ServiceTrafficProps) {
    super(scope, id);
    const { service } = props;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(props, service.name),
      spec: {
        selector: { app: service.name },
        ports: [{ name: service.protocol, port: service.port, targetPort: k8s.IntOrString.fromNumber(service.port), protocol: 'TCP' }],
      },
    });
  }
}

/** A subset that selects the pods of a Deployment running outside the phase model, while it is adopted. */
export interface RunningSubset {
  /** Subset name: the Deployment's name. */
  readonly name: string;
  /** The labels of the Deployment's pods. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Properties of {@link VersionSubsets}. */
export interface VersionSubsetsProps extends ServiceTrafficProps {
  /** Versions with a subset, in declaration order. */
  readonly versions: readonly string[];
  /** Subsets of running Deployments being adopted, before the versions' subsets. @default none */
  readonly running?: readonly RunningSubset[];
}

/** DestinationRule `<service>` with one subset per live version, selected by the `version` label (and, while adopting, one per running Deployment). */
export class VersionSubsets extends Construct {
  /** The DestinationRule `<service>`. */
  public readonly destinationRule: DestinationRule;

  constructor(scope: Construct, id: string, props: VersionSubsetsProps) {
    super(scope, id);
    this.destinationRule = new DestinationRule(this, 'DestinationRule', {
      metadata: metadata(props, props.service.name),
      spec: {
        host: props.service.name,
        subsets: [
          ...(props.running ?? []).map(({ name, labels }) => ({ name, labels: { ...labels } })),
          ...props.versions.map((version) => ({ name: version, labels: { version } })),
        ],
      },
    });
  }
}

/** Properties of {@link TrafficSplit}. */
export interface TrafficSplitProps extends ServiceTrafficProps {
  /** Weighted versions that receive traffic. */
  readonly routes: readonly WeightedVersion[];
}

/**
 * VirtualService `<service>` for mesh traffic and, where the environment has ingress hosts and the
 * service an ingress path, VirtualService `<service>-gateway` with the same split (lockstep).
 */
export class TrafficSplit extends Construct {
  /** The mesh VirtualService `<service>`. */
  public readonly virtualService: VirtualService;
  /** The VirtualService `<service>-gateway`, when the service is exposed through the environment's Gateway. */
  public readonly gatewayVirtualService?: VirtualService;

  constructor(scope: Construct, id: string, props: TrafficSplitProps) {
    super(scope, id);
    const { service, environment } = props;
    const route: VirtualServiceSpecHttpRoute[] = props.routes.map(({ version, weight }) => ({
      destination: { host: service.name, subset: version, port: { number: service.port } },
      weight,
    }));
    // TCP-like protocols are routed by connection, weighted the same way (Istio's `tcp` routes).
    this.virtualService = new VirtualService(this, 'VirtualService', {
      metadata: metadata(props, service.name),
      spec: { hosts: [service.name], ...(isTcpProtocol(service.protocol) ? { tcp: [{ route }] } : { http: [{ route }] }) },
    });
    if (isExposed(environment, service)) {
      this.gatewayVirtualService = new VirtualService(this, 'GatewayVirtualService', {
        metadata: metadata(props, gatewayVirtualServiceName(service.name)),
        spec: {
          hosts: [...environment.ingressHosts],
          gateways: [gatewayName(environment.name)],
          http: [{ match: [{ uri: { prefix: service.ingressPath } }], route }],
        },
      });
    }
  }
}
