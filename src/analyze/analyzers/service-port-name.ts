/** service.PortNameAnalyzer: Service ports should declare their protocol (`<protocol>[-suffix]` name or appProtocol). */
import { Analyzer } from '../analyzer';
import { ExternalNameServiceTypeInvalidPortName, PortNameIsNotUnderNamingConvention, report } from '../messages';
import { writtenNamespace } from '../model';
import { labelsOf, ServicePort, serviceSpec } from '../resources';

/** Namespaces injection ignores (Istio's inject.IgnoredNamespaces); their Services are not checked. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Protocol name prefixes Istio recognises (pkg/config/protocol Parse), lower case. */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql', 'hbone']);

/** Ports that are plain TCP without a name (SMTP, DNS, MySQL, MongoDB): protocol sniffing would break them. */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

/** Kubernetes' standard appProtocol values that Istio maps to a protocol. */
const KUBERNETES_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  kinds: ['Service'],
  analyze(context) {
    return context.ofKind('Service')
      .filter((service) => !SYSTEM_NAMESPACES.has(writtenNamespace(service)) && !isIstioControlPlane(labelsOf(service)))
      .flatMap((service) => {
        const spec = serviceSpec(service);
        return spec.ports.filter((port) => !hasKnownProtocol(port) || (port.name === 'tcp' && spec.type === 'ExternalName'))
          .map((port) => (spec.type === 'ExternalName'
            ? report(ExternalNameServiceTypeInvalidPortName, service)
            : report(PortNameIsNotUnderNamingConvention, service, port.name, port.port, String(port.targetPort ?? 0))));
      });
  },
};

function isIstioControlPlane(labels: Readonly<Record<string, string>>): boolean {
  return 'istio' in labels || labels.release === 'istio';
}

/** Istio's ConvertProtocol is not "unsupported": UDP/SCTP, a known appProtocol or name prefix, or a well-known port. */
function hasKnownProtocol(port: ServicePort): boolean {
  if (port.protocol === 'UDP' || port.protocol === 'SCTP') return true;
  const name = (port.appProtocol ?? port.name).toLowerCase();
  if (KUBERNETES_APP_PROTOCOLS.has(name) || name.startsWith('grpc-web')) return true;
  return PROTOCOLS.has(name.split('-')[0]) || WELL_KNOWN_PORTS.has(port.port);
}
