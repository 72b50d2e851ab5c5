import { codesOf, findingsOf } from './helpers';

const analyzer = 'destinationrule.PodNotSelectedAnalyzer';

const SERVICE = `
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  selector: {app: shop}
  ports: [{name: http, port: 8080}]
`;

function rule(host: string, subsets: string): string {
  return `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shop, namespace: default}
spec:
  host: ${host}
  subsets: ${subsets}
`;
}

function deployment(version: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop-${version}, namespace: default}
spec:
  selector: {matchLabels: {app: shop, version: ${version}}}
  template:
    metadata: {labels: {app: shop, version: ${version}}}
    spec: {containers: [{name: shop, image: shop:${version}}]}
`;
}

describe('destinationrule.PodNotSelectedAnalyzer', () => {
  test('subsets backed by a Deployment (its replicas) or a Pod are fine', () => {
    const pod = `
apiVersion: v1
kind: Pod
metadata: {name: shop-v2-abc, namespace: default, labels: {app: shop, version: v2}}
spec: {containers: [{name: shop, image: shop:v2}]}
`;
    expect(codesOf(analyzer, [SERVICE, deployment('v1'), pod, rule('shop', '[{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]')].join('\n---\n')))
      .toEqual([]);
  });

  test('a subset that selects no pod is IST0173, one per subset', () => {
    const findings = findingsOf(analyzer, [SERVICE, deployment('v1'),
      rule('shop.default.svc.cluster.local', '[{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]')].join('\n---\n'));
    expect(findings.map((f) => [f.code, f.level, f.resource, f.message])).toEqual([[
      'IST0173', 'Error', 'DestinationRule default/shop',
      'The Subset v2 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
    ]]);
  });

  test('an unknown host is IST0174 and its subsets are not checked', () => {
    const findings = findingsOf(analyzer, [deployment('v1'), rule('shop', '[{name: v9, labels: {version: v9}}]')].join('\n---\n'));
    expect(findings.map((f) => [f.code, f.level, f.message])).toEqual([
      ['IST0174', 'Warning', 'The host shop defined in the DestinationRule does not match any services in the mesh.'],
    ]);
  });

  test("subsets may select by the topology labels of a pod's node", () => {
    const pod = `
apiVersion: v1
kind: Pod
metadata: {name: shop-1, namespace: default, labels: {app: shop}}
spec: {nodeName: node-a, containers: [{name: shop, image: shop}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {topology.kubernetes.io/zone: zone-a}}
`;
    expect(codesOf(analyzer, [SERVICE, pod, rule('shop', '[{name: a, labels: {topology.kubernetes.io/zone: zone-a}}, {name: b, labels: {topology.kubernetes.io/zone: zone-b}}]')]
      .join('\n---\n'))).toEqual(['IST0173 DestinationRule default/shop']);
  });
});
