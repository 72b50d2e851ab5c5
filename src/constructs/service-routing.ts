/** How traffic reaches the versions of a service: Service, DestinationRule subsets, VirtualServices. */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { DestinationRule, VirtualService, VirtualServiceSpecHttpRoute } from '../../imports/istio-networking.istio.io';
import { Environment, Service } from '../matrix/model';
import { gatewayName, gatewayVirtualServiceName } from '../matrix/naming';
import { WeightedVersion } from '../plan/planner';
import { MANAGED_BY } from './labels';

/** Properties of {@link ServiceRouting}. */
export interface ServiceRoutingProps {
  /** The service. */
  readonly service: Service;
  /** The environment (namespace, ingress hosts). */
  readonly environment: Environment;
  /** Versions with a DestinationRule subset, in declaration order. */
  readonly subsets: readonly string[];
  /** Traffic split of the mesh and (in lockstep) the gateway-bound VirtualService. */
  readonly routes: readonly WeightedVersion[];
}

/**
 * Service `<service>` selecting every version by `app`, DestinationRule `<service>` with one subset per
 * live version, VirtualService `<service>` for mesh traffic and, where the environment has ingress hosts
 * and the service an ingress path, VirtualService `<service>-gateway` with the same split.
 */
export class ServiceRouting extends Construct {
  constructor(scope: Construct, id: string, props: ServiceRoutingProps) {
    super(scope, id);
    const { service, environment } = props;
    const metadata = (name: string) => ({ name, namespace: environment.namespace, labels: { app: service.name, ...MANAGED_BY } });

    new k8s.KubeService(this, 'Service', {
      metadata: metadata(service.name),
      spec: {
        selector: { app: service.name },
        ports: [{ name: service.protocol, port: service.port, targetPort: k8s.IntOrString.fromNumber(service.port), protocol: 'TCP' }],
      },
    });

    new DestinationRule(this, 'DestinationRule', {
      metadata: metadata(service.name),
      spec: {
        host: service.name,
        subsets: props.subsets.map((version) => ({ name: version, labels: { version } })),
      },
    });

    const route: VirtualServiceSpecHttpRoute[] = props.routes.map(({ version, weight }) => ({
      destination: { host: service.name, subset: version, port: { number: service.port } },
      weight,
    }));

    new VirtualService(this, 'VirtualService', {
      metadata: metadata(service.name),
      spec: { hosts: [service.name], http: [{ route }] },
    });

    if (environment.ingressHosts.length > 0 && service.ingressPath !== undefined) {
      new VirtualService(this, 'GatewayVirtualService', {
        metadata: metadata(gatewayVirtualServiceName(service.name)),
        spec: {
          hosts: [...environment.ingressHosts],
          gateways: [gatewayName(environment.name)],
          http: [{ match: [{ uri: { prefix: service.ingressPath } }], route }],
        },
      });
    }
  }
}
