/** Objects an environment has whatever its services: its Namespace and, with ingress hosts, its Gateway. */
import { Construct } from 'constructs';
import { k8s } from './k8s';
import { Gateway } from '../../imports/istio-networking.istio.io';
import { Environment } from '../matrix/model';
import { gatewayName } from '../matrix/naming';
import { MANAGED_BY } from './labels';

/** Properties of {@link EnvironmentBase}. */
export interface EnvironmentBaseProps {
  /** The environment. */
  readonly environment: Environment;
  /** Whether any service is exposed through the ingress Gateway. @default false */
  readonly exposesServices?: boolean;
}

/**
 * Namespace with sidecar injection and the environment's Pod Security Standard (restricted by default) enforced, and the
 * environment's ingress Gateway (port 80, the environment's hosts) when a service is exposed.
 */
export class EnvironmentBase extends Construct {
  /** The environment's Namespace. */
  public readonly namespace: k8s.KubeNamespace;
  /** The ingress Gateway, when a service is exposed. */
  public readonly gateway?: Gateway;

  constructor(scope: Construct, id: string, props: EnvironmentBaseProps) {
    super(scope, id);
    const { environment } = props;
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: environment.namespace,
        labels: {
          'istio-injection': 'enabled',
          'pod-security.kubernetes.io/enforce': environment.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'v1.27',
          ...MANAGED_BY,
        },
      },
    });
    if (props.exposesServices) {
      this.gateway = new Gateway(this, 'Gateway', {
        metadata: { name: gatewayName(environment.name), namespace: environment.namespace, labels: { ...MANAGED_BY } },
        spec: {
          selector: { istio: 'ingressgateway' },
          servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [...environment.ingressHosts] }],
        },
      });
    }
  }
}
