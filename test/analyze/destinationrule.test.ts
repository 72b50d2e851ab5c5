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

/**
 * Istio's own cases for the topology labels (pkg/config/analysis/analyzers/analyzers_test.go:
 * DestinationRuleSubsetsWithTopologyLabels, DestinationRuleEmptyTopologyLabels), written out here.
 */
describe('destinationrule.PodNotSelectedAnalyzer: node topology labels, as Istio tests them', () => {
  const httpbin = (nodeLabels: string) => `
apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default}
spec:
  selector: {app: httpbin}
  ports: [{name: http, port: 8000}]
---
apiVersion: v1
kind: Pod
metadata: {name: httpbin-pod, namespace: default, labels: {app: httpbin, version: v1}}
spec: {nodeName: test-node, containers: [{name: httpbin, image: httpbin}]}
---
apiVersion: v1
kind: Node
metadata: {name: test-node, labels: ${nodeLabels}}
`;
  const httpbinRule = (name: string, subsets: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: default}
spec:
  host: httpbin.default.svc.cluster.local
  subsets: ${subsets}
`;

  test('region, zone, and the node name as kubernetes.io/hostname select the pod, alone or with its own labels', () => {
    const input = [httpbin('{kubernetes.io/hostname: test-node, topology.kubernetes.io/region: us-west-1, topology.kubernetes.io/zone: us-west-1a}'),
      httpbinRule('subsets-with-topology-labels', `[
        {name: region-us-west, labels: {topology.kubernetes.io/region: us-west-1}},
        {name: zone-us-west-1a, labels: {topology.kubernetes.io/zone: us-west-1a}},
        {name: app-v1, labels: {version: v1}},
        {name: mixed-labels, labels: {version: v1, topology.kubernetes.io/region: us-west-1}},
        {name: on-node, labels: {kubernetes.io/hostname: test-node}}]`)].join('\n---\n');
    expect(codesOf(analyzer, input)).toEqual([]);
  });

  test('a node label with an empty value is no locality: a subset selecting it by "" selects no pod', () => {
    const findings = findingsOf(analyzer, [httpbin('{topology.kubernetes.io/region: ""}'),
      httpbinRule('empty-topology-labels', '[{name: empty-region, labels: {topology.kubernetes.io/region: ""}}, {name: app-v1, labels: {version: v1}}]')]
      .join('\n---\n'));
    expect(findings.map((f) => `${f.code} ${f.resource} ${f.message}`)).toEqual([
      'IST0173 DestinationRule default/empty-topology-labels The Subset empty-region defined in the DestinationRule does not select any pods. '
      + 'Which may lead to 503 UH (NoHealthyUpstream).',
    ]);
  });

  test('only region, zone and subzone come from the node: other node labels do not select its pods', () => {
    const input = [httpbin('{topology.istio.io/subzone: rack-1, node.kubernetes.io/instance-type: m5, topology.istio.io/network: net-1}'),
      httpbinRule('node-labels', `[
        {name: subzone, labels: {topology.istio.io/subzone: rack-1}},
        {name: instance-type, labels: {node.kubernetes.io/instance-type: m5}},
        {name: network, labels: {topology.istio.io/network: net-1}},
        {name: other-node, labels: {kubernetes.io/hostname: node-b}}]`)].join('\n---\n');
    expect(findingsOf(analyzer, input).map((f) => f.message.split(' ')[2])).toEqual(['instance-type', 'network', 'other-node']);
  });

  test('a pod on a node the input does not hold gets no node labels, not even its hostname', () => {
    const input = [httpbin('{}').replace('name: test-node', 'name: another-node'),
      httpbinRule('missing-node', '[{name: on-node, labels: {kubernetes.io/hostname: test-node}}]')].join('\n---\n');
    expect(codesOf(analyzer, input)).toEqual(['IST0173 DestinationRule default/missing-node']);
  });

  test("a subset with no labels selects every pod: istioctl's default ingress gateway pod is always one", () => {
    expect(codesOf(analyzer, [SERVICE, rule('shop', '[{name: all}, {name: empty, labels: {}}]')].join('\n---\n'))).toEqual([]);
  });
});
