import { codesOf, findingsOf } from './helpers';

const SERVICE = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
`;

const RULE = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}]
`;

function virtualService(name: string, spec: string, namespace = 'default'): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
${spec}
`;
}

const join = (...docs: string[]) => docs.join('\n---\n');

describe('virtualservice.DestinationRuleAnalyzer', () => {
  const analyzer = 'virtualservice.DestinationRuleAnalyzer';

  test('a subset defined by the DestinationRule, short or fully qualified, is fine', () => {
    expect(codesOf(analyzer, join(RULE,
      virtualService('short', '  http: [{route: [{destination: {host: reviews, subset: v1}}]}]'),
      virtualService('fqdn', '  http: [{route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]}]'),
      virtualService('no-subset', '  http: [{route: [{destination: {host: reviews}}]}]'))))
      .toEqual([]);
  });

  test('an undefined subset in a route or a mirror is IST0101', () => {
    const findings = findingsOf(analyzer, join(RULE,
      virtualService('route', '  http: [{route: [{destination: {host: reviews, subset: v2}}]}]'),
      virtualService('mirror', '  http: [{route: [{destination: {host: reviews, subset: v1}}], mirror: {host: reviews, subset: v3}}]')));
    expect(findings.map((f) => [f.code, f.level, f.resource, f.message])).toEqual([
      ['IST0101', 'Error', 'VirtualService default/route', 'Referenced host+subset in destinationrule not found: "reviews+v2"'],
      ['IST0101', 'Error', 'VirtualService default/mirror', 'Referenced mirror+subset in destinationrule not found: "reviews+v3"'],
    ]);
  });

  test('a short host is taken in the VirtualService namespace, not the rule namespace', () => {
    expect(codesOf(analyzer, join(RULE, virtualService('other-ns', '  http: [{route: [{destination: {host: reviews, subset: v1}}]}]', 'prod'))))
      .toEqual(['IST0101 VirtualService prod/other-ns']);
  });
});

describe('virtualservice.DestinationHostAnalyzer', () => {
  const analyzer = 'virtualservice.DestinationHostAnalyzer';

  test('hosts of Services and ServiceEntries resolve', () => {
    const entry = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: default}
spec: {hosts: ["*.example.com"]}
`;
    expect(codesOf(analyzer, join(SERVICE, entry,
      virtualService('svc', '  http: [{route: [{destination: {host: reviews, port: {number: 9080}}}]}]'),
      virtualService('other-ns', '  http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}]}]', 'prod'),
      virtualService('wildcard', '  http: [{route: [{destination: {host: api.example.com}}]}]'))))
      .toEqual([]);
  });

  test('unknown host, unknown mirror host and unknown port are IST0101; several ports without one is IST0112', () => {
    const twoPorts = `
apiVersion: v1
kind: Service
metadata: {name: two, namespace: default}
spec: {ports: [{name: http, port: 80}, {name: https, port: 443}]}
`;
    const findings = findingsOf(analyzer, join(SERVICE, twoPorts,
      virtualService('bogus', '  http: [{route: [{destination: {host: nope}}]}]'),
      virtualService('mirror', '  http: [{route: [{destination: {host: reviews}}], mirror: {host: nope}}]'),
      virtualService('port', '  http: [{route: [{destination: {host: reviews, port: {number: 1}}}]}]'),
      virtualService('ambiguous', '  http: [{route: [{destination: {host: two}}]}]')));
    expect(findings.map((f) => `${f.code} ${f.resource} ${f.message}`)).toEqual([
      'IST0101 VirtualService default/bogus Referenced host not found: "nope"',
      'IST0101 VirtualService default/mirror Referenced mirror host not found: "nope"',
      'IST0101 VirtualService default/port Referenced host:port not found: "reviews:1"',
      'IST0112 VirtualService default/ambiguous This VirtualService routes to a service "two" that exposes multiple ports [80 443]. '
        + 'Specifying a port in the destination is required to disambiguate.',
    ]);
  });

  test('a Service exported to one namespace is not found from another', () => {
    const exported = SERVICE.replace('namespace: default}', 'namespace: default, annotations: {networking.istio.io/exportTo: "."}}');
    expect(codesOf(analyzer, join(exported,
      virtualService('same-ns', '  http: [{route: [{destination: {host: reviews}}]}]'),
      virtualService('other-ns', '  http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}]}]', 'prod'))))
      .toEqual(['IST0101 VirtualService prod/other-ns']);
  });

  test('a gateway route without subset to a host the mesh routes by subset is IST0140', () => {
    expect(codesOf(analyzer, join(SERVICE,
      virtualService('mesh', '  hosts: [reviews]\n  http: [{route: [{destination: {host: reviews, subset: v1}}]}]'),
      virtualService('ingress', '  hosts: [example.com]\n  gateways: [gw]\n  http: [{route: [{destination: {host: reviews}}]}]'),
      virtualService('ingress-subset', '  hosts: [example.com]\n  gateways: [gw]\n  http: [{route: [{destination: {host: reviews, subset: v1}}]}]'))))
      .toEqual(['IST0140 VirtualService default/ingress']);
  });
});

describe('virtualservice.GatewayAnalyzer', () => {
  const analyzer = 'virtualservice.GatewayAnalyzer';
  const gateway = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*.example.com", "./internal.local"]}]
`;

  test('an existing gateway exposing the host (wildcard or `mesh`) is fine', () => {
    expect(codesOf(analyzer, join(gateway,
      virtualService('wildcard', '  hosts: [shop.example.com]\n  gateways: [istio-system/gw, mesh]'),
      virtualService('mesh-only', '  hosts: [anything]\n  gateways: [mesh]'))))
      .toEqual([]);
  });

  test('a missing gateway is IST0101 and IST0132; a host the gateway does not expose is IST0132', () => {
    const findings = findingsOf(analyzer, join(gateway,
      virtualService('missing', '  hosts: [shop.example.com]\n  gateways: [gw]'),
      virtualService('wrong-host', '  hosts: [shop.example.org]\n  gateways: [istio-system/gw]'),
      virtualService('other-ns-host', '  hosts: [internal.local]\n  gateways: [istio-system/gw]')));
    expect(findings.map((f) => `${f.code} ${f.resource}`)).toEqual([
      'IST0101 VirtualService default/missing',
      'IST0132 VirtualService default/missing',
      'IST0132 VirtualService default/wrong-host',
      'IST0132 VirtualService default/other-ns-host',
    ]);
    expect(findings[2].message).toBe('one or more host [shop.example.org] defined in VirtualService default/wrong-host not found in Gateway istio-system/gw.');
  });
});

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer', () => {
  const analyzer = 'virtualservice.ConflictingMeshGatewayHostsAnalyzer';

  test('two mesh VirtualServices for the same host conflict, each reported once', () => {
    const findings = findingsOf(analyzer, join(
      virtualService('a', '  hosts: [reviews, ratings]'),
      virtualService('b', '  hosts: [reviews.default.svc.cluster.local, ratings]\n  gateways: [mesh, gw]')));
    expect(findings.map((f) => `${f.code} ${f.resource}`)).toEqual(['IST0109 VirtualService default/a', 'IST0109 VirtualService default/b']);
    expect(findings[0].message).toContain('The VirtualServices default/a,default/b associated with mesh gateway define the same host */reviews.default.svc.cluster.local');
  });

  test('gateway-only VirtualServices, different namespaces and disjoint exportTo do not conflict', () => {
    expect(codesOf(analyzer, join(
      virtualService('a', '  hosts: [reviews]'),
      virtualService('ingress', '  hosts: [reviews]\n  gateways: [gw]'),
      virtualService('a', '  hosts: [reviews]', 'prod'),
      virtualService('local', '  hosts: [ratings]\n  exportTo: ["."]', 'team1'),
      virtualService('local', '  hosts: [ratings.team1.svc.cluster.local]\n  exportTo: ["."]', 'team2'))))
      .toEqual([]);
  });
});
