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

  test('the conflicting gateways are named in sorted order, as Istio sorts them', () => {
    const findings = findingsOf(analyzer, ['c', 'a', 'b'].map((name) => gateway(name, '{istio: ingressgateway}', server(80, 'shop.example.com'))).join('\n---\n'));
    expect(findings.map((f) => `${f.resource}: ${f.message}`)).toEqual([
      'Gateway default/c: Conflict with gateways default/a,default/b (workload selector istio=ingressgateway, port 80, hosts shop.example.com).',
      'Gateway default/a: Conflict with gateways default/b,default/c (workload selector istio=ingressgateway, port 80, hosts shop.example.com).',
      'Gateway default/b: Conflict with gateways default/a,default/c (workload selector istio=ingressgateway, port 80, hosts shop.example.com).',
    ]);
  });
});

/**
 * Istio's case "conflicting gateways detect by sub selector" (testdata/conflicting-gateways-subSelector.yaml) and
 * the bounds of its rule: two different selectors conflict when one's string form contains the other's and a
 * gateway pod (a Pod, or a Deployment's pod template) has the labels of both.
 */
describe('gateway.ConflictingGatewayAnalyzer: selectors that select the same gateway pods', () => {
  const analyzer = 'gateway.ConflictingGatewayAnalyzer';
  const named = (name: string, selector: string, protocol: string) => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}}
spec:
  selector: ${selector}
  servers: [{port: {number: 80, name: ${protocol.toLowerCase()}, protocol: ${protocol}}, hosts: [foo.bar]}]
`;
  const pod = (name: string, labels: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: ${labels}}
spec: {containers: [{name: istio-proxy}]}
`;
  const gatewayPodLabels = '{istio: ingressgateway, app: istio-ingressgateway, cusKey: cusValue}';

  test("Istio's case: a selector that is a subset of the other, both selecting the same pods, conflicts both ways", () => {
    const findings = findingsOf(analyzer, [
      named('beta', '{istio: ingressgateway, app: istio-ingressgateway, cusKey: cusValue}', 'TCP'),
      named('alpha', '{istio: ingressgateway, cusKey: cusValue}', 'HTTP'),
      pod('my-ingressgateway-1', gatewayPodLabels),
      pod('my-ingressgateway-2', gatewayPodLabels),
    ].join('\n---\n'));
    expect(findings.map((f) => `${f.code} ${f.resource}: ${f.message}`)).toEqual([
      'IST0145 Gateway beta: Conflict with gateways alpha (workload selector app=istio-ingressgateway,cusKey=cusValue,istio=ingressgateway, port 80, hosts foo.bar).',
      'IST0145 Gateway alpha: Conflict with gateways beta (workload selector cusKey=cusValue,istio=ingressgateway, port 80, hosts foo.bar).',
    ]);
  });

  test("a Deployment's pod template counts as gateway pods", () => {
    const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: my-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istio-ingressgateway}}
  template:
    metadata: {labels: ${gatewayPodLabels}}
    spec: {containers: [{name: istio-proxy, image: proxyv2}]}
`;
    expect(codesOf(analyzer, [named('beta', '{istio: ingressgateway, cusKey: cusValue}', 'TCP'), named('alpha', '{cusKey: cusValue}', 'HTTP'), deployment]
      .join('\n---\n'))).toEqual(['IST0145 Gateway beta', 'IST0145 Gateway alpha']);
  });

  test('no pod with the labels of both selectors: no conflict (the default ingress gateway pod has only istio=ingressgateway)', () => {
    expect(codesOf(analyzer, [named('beta', '{istio: ingressgateway, cusKey: cusValue}', 'TCP'), named('alpha', '{istio: ingressgateway}', 'HTTP'),
      pod('other', '{cusKey: cusValue}')].join('\n---\n'))).toEqual([]);
  });

  test("Istio compares the selectors' string forms: a subset whose string is not part of the other's does not conflict", () => {
    // app=gw,istio=ingressgateway is not a substring of app=gw,cusKey=cusValue,istio=ingressgateway, though the pod has both.
    expect(codesOf(analyzer, [named('beta', '{app: gw, cusKey: cusValue, istio: ingressgateway}', 'TCP'), named('alpha', '{app: gw, istio: ingressgateway}', 'HTTP'),
      pod('gw', '{app: gw, cusKey: cusValue, istio: ingressgateway}')].join('\n---\n'))).toEqual([]);
  });

  test('a gateway without servers whose selector selects the pods of another gateway is no missing selector', () => {
    const noServers = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: idle}
spec: {selector: {cusKey: cusValue}}
`;
    expect(codesOf(analyzer, [named('beta', '{istio: ingressgateway, cusKey: cusValue}', 'TCP'), noServers, pod('gw', gatewayPodLabels)].join('\n---\n')))
      .toEqual([]);
    expect(codesOf(analyzer, [named('beta', '{istio: ingressgateway, cusKey: cusValue}', 'TCP'), noServers].join('\n---\n')))
      .toEqual(['IST0101 Gateway idle']);
  });
});
