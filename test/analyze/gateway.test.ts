import { codesOf, findingsOf } from './helpers';

function gateway(name: string, selector: string, servers: string): string {
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: ${selector}
  servers: ${servers}
`;
}

describe('gateway.IngressGatewayPortAnalyzer', () => {
  const analyzer = 'gateway.IngressGatewayPortAnalyzer';
  const customIngress = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: private-gw, namespace: gw}
spec:
  selector: {matchLabels: {app: private-gw}}
  template:
    metadata: {labels: {app: private-gw}}
    spec: {containers: [{name: istio-proxy, image: proxyv2}]}
---
apiVersion: v1
kind: Service
metadata: {name: private-gw, namespace: gw}
spec:
  selector: {app: private-gw}
  ports: [{name: http2, port: 80, targetPort: 8080}]
`;

  test("istioctl's default istio-system ingress gateway serves ports 80 and 443", () => {
    expect(codesOf(analyzer, gateway('web', '{istio: ingressgateway}', '[{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]')))
      .toEqual([]);
  });

  test('a port no Service of the gateway workloads offers is IST0162', () => {
    const findings = findingsOf(analyzer, gateway('web', '{istio: ingressgateway}',
      '[{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}, {port: {number: 8004, name: http2, protocol: HTTP}, hosts: ["*"]}]'));
    expect(findings.map((f) => [f.code, f.level, f.resource])).toEqual([['IST0162', 'Warning', 'Gateway default/web']]);
    expect(findings[0].message).toContain('(port 8004)');
    expect(findings[0].message).toContain('(Pod selector istio=ingressgateway)');
  });

  test("a Deployment's pods count as gateway workloads; the Service port and its targetPort both serve", () => {
    const servers = '[{port: {number: 80, name: a, protocol: HTTP}, hosts: ["*"]}, {port: {number: 8080, name: b, protocol: HTTP}, hosts: ["*"]}, '
      + '{port: {number: 9090, name: c, protocol: HTTP}, hosts: ["*"]}]';
    expect(codesOf(analyzer, [customIngress, gateway('private', '{app: private-gw}', servers)].join('\n---\n')))
      .toEqual(['IST0162 Gateway default/private']);
  });

  test('a selector that matches no workload is IST0101', () => {
    const findings = findingsOf(analyzer, gateway('typo', '{istio: ingresstypo}', '[{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]'));
    expect(findings.map((f) => `${f.code} ${f.message}`)).toEqual(['IST0101 Referenced selector not found: "istio=ingresstypo"']);
  });
});

describe('gateway.ConflictingGatewayAnalyzer', () => {
  const analyzer = 'gateway.ConflictingGatewayAnalyzer';
  const server = (port: number, host: string) => `[{port: {number: ${port}, name: p, protocol: HTTP}, hosts: ["${host}"]}]`;

  test('same selector, port and matching host conflict (wildcards match)', () => {
    const findings = findingsOf(analyzer, [
      gateway('a', '{istio: ingressgateway}', server(80, 'shop.example.com')),
      gateway('b', '{istio: ingressgateway}', server(80, '*.example.com')),
    ].join('\n---\n'));
    expect(findings.map((f) => `${f.code} ${f.resource}`)).toEqual(['IST0145 Gateway default/a', 'IST0145 Gateway default/b']);
    expect(findings[0].message).toBe('Conflict with gateways default/b (workload selector istio=ingressgateway, port 80, hosts shop.example.com).');
  });

  test('a different port, host or selector does not conflict', () => {
    expect(codesOf(analyzer, [
      gateway('a', '{istio: ingressgateway}', server(80, 'a.example.com')),
      gateway('b', '{istio: ingressgateway}', server(443, 'a.example.com')),
      gateway('c', '{istio: ingressgateway}', server(80, 'c.example.com')),
      gateway('d', '{istio: other}', server(80, 'a.example.com')),
    ].join('\n---\n'))).toEqual([]);
  });
});
