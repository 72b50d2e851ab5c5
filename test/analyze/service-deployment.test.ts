import { codesOf, findingsOf } from './helpers';

function service(name: string, namespace: string, ports: string, extra = ''): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${namespace}${extra}}
spec:
  selector: {app: shop}
  ports: ${ports}
`;
}

describe('service.PortNameAnalyzer', () => {
  const analyzer = 'service.PortNameAnalyzer';

  test('protocol-prefixed names, appProtocol, UDP and well-known ports follow the convention', () => {
    expect(codesOf(analyzer, service('ok', 'default',
      '[{name: http, port: 80}, {name: grpc-web-x, port: 81}, {name: HTTP2-x, port: 82}, {name: x, appProtocol: https, port: 83}, '
      + '{name: dns, protocol: UDP, port: 84}, {port: 3306}]'))).toEqual([]);
  });

  test('unnamed or unconventional names are IST0118 (Info), one per port', () => {
    const findings = findingsOf(analyzer, service('bad', 'default', '[{port: 8080, targetPort: 8081}, {name: web, port: 9090}]'));
    expect(findings.map((f) => [f.code, f.level, f.message])).toEqual([
      ['IST0118', 'Info', "Port name  (port: 8080, targetPort: 8081) doesn't follow the naming convention of Istio port."],
      ['IST0118', 'Info', "Port name web (port: 9090, targetPort: 0) doesn't follow the naming convention of Istio port."],
    ]);
  });

  test('system namespaces and the Istio control plane are skipped', () => {
    expect(codesOf(analyzer, [
      service('a', 'kube-system', '[{port: 1}]'),
      service('b', 'istio-system', '[{port: 1}]', ', labels: {istio: pilot}'),
      service('c', 'istio-system', '[{port: 1}]'),
    ].join('\n---\n'))).toEqual(['IST0118 Service istio-system/c']);
  });
});

describe('deployment.ServiceAssociationAnalyzer', () => {
  const analyzer = 'deployment.ServiceAssociationAnalyzer';
  const deployment = (inject: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: default}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop${inject}}}
    spec: {containers: [{name: shop, image: shop}]}
`;
  const injected = deployment(', sidecar.istio.io/inject: "true"');

  test('one port with two protocols is IST0116; one targetPort behind two ports is IST0137', () => {
    const findings = findingsOf(analyzer, [injected,
      service('tcp', 'default', '[{name: tcp, port: 9080, protocol: TCP}]'),
      service('udp', 'default', '[{name: udp, port: 9080, protocol: UDP, targetPort: 7000}]'),
      service('web', 'default', '[{name: http, port: 9090, targetPort: 7000}]'),
    ].join('\n---\n'));
    expect(findings.map((f) => [f.code, f.level, f.resource, f.message])).toEqual([
      ['IST0116', 'Warning', 'Deployment default/shop',
        'This deployment shop is associated with multiple services using port 9080 but different protocols: [default/tcp default/udp]'],
      ['IST0137', 'Warning', 'Deployment default/shop',
        'This deployment shop is associated with multiple services [default/udp default/web] using targetPort "7000" but different ports: [9080 9090].'],
    ]);
  });

  test('consistent Services, or a Deployment outside the mesh, are fine', () => {
    const services = [service('a', 'default', '[{name: http, port: 9080}]'), service('b', 'default', '[{name: http, port: 9080}]')];
    expect(codesOf(analyzer, [injected, ...services].join('\n---\n'))).toEqual([]);
    const conflicting = service('c', 'default', '[{name: udp, port: 9080, protocol: UDP}]');
    expect(codesOf(analyzer, [deployment(''), services[0], conflicting].join('\n---\n'))).toEqual([]);
  });

  // The analyzer indexes Services by selector pair: label keys and values that contain '=' must not collide.
  test('each selecting Service is counted once, whatever its labels contain', () => {
    const odd = (name: string, selector: string, port: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ns}\nspec:\n  selector: ${selector}\n  ports: [${port}]`;
    const findings = findingsOf(analyzer, [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  template:\n' +
        '    metadata:\n      labels: {a: "b=c", "a=b": "c", sidecar.istio.io/inject: "true"}\n    spec: {containers: [{name: app, image: x}]}',
      odd('s1', '{a: "b=c"}', '{name: http, port: 80, protocol: TCP}'),
      odd('s2', '{"a=b": "c"}', '{name: udp, port: 80, protocol: UDP}'),
    ].join('\n---\n'));
    expect(findings.map((f) => f.message)).toEqual([
      'This deployment d is associated with multiple services using port 80 but different protocols: [ns/s1 ns/s2]',
    ]);
  });

  test('the namespace injection label puts a Deployment in the mesh', () => {
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: default, labels: {istio-injection: enabled}}';
    expect(codesOf(analyzer, [namespace, deployment(''), service('a', 'default', '[{name: tcp, port: 9080}]'),
      service('b', 'default', '[{name: udp, port: 9080, protocol: UDP}]')].join('\n---\n')))
      .toEqual(['IST0116 Deployment default/shop']);
  });
});
