import { findingsOf } from './helpers';

const analyzer = 'schema.ValidationAnalyzer';

function errorsOf(yaml: string): string[] {
  return findingsOf(analyzer, yaml).map((f) => {
    expect([f.code, f.level]).toEqual(['IST0106', 'Error']);
    return `${f.resource}: ${f.message}`;
  });
}

describe('schema.ValidationAnalyzer', () => {
  test('a valid phase state has no errors (relative weights, canary split, 0 weight beside a positive one)', () => {
    expect(errorsOf(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: [shop]
  http:
  - route:
    - {destination: {host: shop, subset: v1, port: {number: 8080}}, weight: 3}
    - {destination: {host: shop, subset: v2}, weight: 1}
  - route:
    - {destination: {host: shop, subset: v1}, weight: 0}
    - {destination: {host: shop, subset: v2}, weight: 100}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shop, namespace: default}
spec:
  host: shop
  subsets: [{name: v1, labels: {version: v1}}, {name: v2-canary, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
`)).toEqual([]);
  });

  test('VirtualService: negative weight, all-zero split, port out of range, wildcard host bound to the mesh', () => {
    expect(errorsOf(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: default}
spec:
  hosts: ["*"]
  gateways: [gw, mesh]
  http:
  - route:
    - {destination: {host: shop, subset: v1}, weight: -10}
    - {destination: {host: shop, subset: v2}, weight: 20}
  - route:
    - {destination: {host: shop, subset: v1}}
    - {destination: {host: shop, subset: v2}}
  tcp:
  - route:
    - {destination: {host: shop, port: {number: 70000}}}
`)).toEqual([
      'VirtualService default/shop: Schema validation error: wildcard host * is not allowed for virtual services bound to the mesh gateway',
      'VirtualService default/shop: Schema validation error: port number 70000 must be in the range 1..65535',
      'VirtualService default/shop: Schema validation error: weight -10 < 0',
      'VirtualService default/shop: Schema validation error: total destination weight = 0',
    ]);
  });

  test('a wildcard host is allowed on a gateway-only VirtualService, and one destination may omit its weight', () => {
    expect(errorsOf(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop-gateway}
spec:
  hosts: ["*"]
  gateways: [gw]
  http: [{route: [{destination: {host: shop}}]}]
`)).toEqual([]);
  });

  test('DestinationRule: invalid and duplicate subset names, policy port out of range', () => {
    expect(errorsOf(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shop}
spec:
  host: shop
  trafficPolicy: {portLevelSettings: [{port: {number: 0}}]}
  subsets: [{name: V1}, {name: v2}, {name: v2}, {name: ""}]
`)).toEqual([
      'DestinationRule shop: Schema validation error: subset name is invalid: V1',
      'DestinationRule shop: Schema validation error: duplicate subset names: v2',
      'DestinationRule shop: Schema validation error: subset name cannot be empty',
      'DestinationRule shop: Schema validation error: port number 0 must be in the range 1..65535',
    ]);
  });

  test('Gateway: server port out of range', () => {
    expect(errorsOf(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 65536, name: http, protocol: HTTP}, hosts: ["*"]}]
`)).toEqual(['Gateway default/gw: Schema validation error: port number 65536 must be in the range 1..65535']);
  });
});
