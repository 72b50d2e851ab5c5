/**
 * Output stays linear in the input (issue 14, "Bounded output"): a message names at most LISTED_OBJECTS of the
 * objects it lists, then "and N more"; -o json holds each whole list once, on the first finding of its group.
 * One generated pathological input per analyzer whose message lists other objects.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding, LISTED_OBJECTS } from '../../src/analyze';
import { run } from '../../src/cli/commands/analyze';
import { captureStdout } from '../command';

let dir: string;
const stdout = captureStdout();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-bounded-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `analyze FILE [-o json]` on generated YAML documents; returns the exit code and what it printed. */
function analyzeDocuments(documents: readonly string[], ...args: string[]): { code: number; output: string } {
  const path = join(dir, 'input.yaml');
  writeFileSync(path, documents.join('---\n'));
  stdout.reset();
  const code = run([path, ...args]);
  return { code, output: stdout() };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

const reviewsService = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
`;

function meshVirtualService(index: number): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-${index}, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews}}]}]
`;
}

/** Checks the JSON findings of one conflict: each names LISTED_OBJECTS objects and "and N more"; the whole list is printed once. */
function expectOneGroup(findings: readonly Finding[], code: string, members: readonly string[]): void {
  const ofCode = findings.filter((finding) => finding.code === code);
  expect(ofCode.every((finding) => finding.group === ofCode[0].group)).toBe(true);
  expect(ofCode.filter((finding) => finding.members !== undefined).map((finding) => finding.members)).toEqual([members]);
  expect(ofCode[0].members).toBeDefined();
}

describe('analyze output is linear in the input', () => {
  test('3,000 mesh VirtualServices sharing a host: one capped IST0109 each, the whole list once in JSON', () => {
    const count = 3000;
    const documents = [reviewsService, ...range(count).map(meshVirtualService)];
    const inputBytes = documents.join('---\n').length;

    const text = analyzeDocuments(documents);
    expect(text.code).toBe(1);
    const lines = text.output.trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    const firstNames = range(LISTED_OBJECTS).map((index) => `default/reviews-${index}`).join(',');
    expect(lines[0]).toBe(`Error [IST0109] (VirtualService default/reviews-0) The VirtualServices ${firstNames} and ${count - LISTED_OBJECTS} more `
      + 'associated with mesh gateway define the same host */reviews.default.svc.cluster.local which can lead to undefined behavior. '
      + 'This can be fixed by merging the conflicting VirtualServices into a single resource.');
    expect(text.output.length).toBeLessThan(4 * inputBytes);

    const json = analyzeDocuments(documents, '-o', 'json');
    expect(json.code).toBe(1);
    const findings = JSON.parse(json.output) as Finding[];
    expect(findings).toHaveLength(count);
    expectOneGroup(findings, 'IST0109', range(count).map((index) => `default/reviews-${index}`));
    expect(Object.keys(findings[1]).sort()).toEqual(['analyzer', 'code', 'group', 'level', 'message', 'resource']);
    expect(json.output.length).toBeLessThan(5 * inputBytes);
  });

  test('2,000 Gateways on one selector, port and host: one capped IST0145 each, the whole list once in JSON', () => {
    const count = 2000;
    const documents = range(count).map((index) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw-${String(index).padStart(4, '0')}, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.example.com]}]
`);
    const inputBytes = documents.join('---\n').length;
    const text = analyzeDocuments(documents, '--analyzer', 'gateway.ConflictingGatewayAnalyzer');
    const lines = text.output.trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    // gw-0000 conflicts with all others; gw-0003 names the first ten others, without itself.
    const others = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10].map((index) => `default/gw-${String(index).padStart(4, '0')}`).join(',');
    expect(lines[3]).toBe(`Error [IST0145] (Gateway default/gw-0003) Conflict with gateways ${others} and ${count - 1 - LISTED_OBJECTS} more `
      + '(workload selector istio=ingressgateway, port 80, hosts shop.example.com).');
    expect(text.output.length).toBeLessThan(4 * inputBytes);

    const json = analyzeDocuments(documents, '--analyzer', 'gateway.ConflictingGatewayAnalyzer', '-o', 'json');
    const findings = JSON.parse(json.output) as Finding[];
    expectOneGroup(findings, 'IST0145', range(count).map((index) => `default/gw-${String(index).padStart(4, '0')}`));
    expect(json.output.length).toBeLessThan(5 * inputBytes);
  });

  test('500 Deployments each selected by the same 500 Services with clashing protocols and ports: capped IST0116 and IST0137', () => {
    const count = 500;
    const deployments = range(count).map((index) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop-${index}, namespace: default}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop, sidecar.istio.io/inject: "true"}}
    spec: {containers: [{name: shop, image: shop}]}
`);
    const services = range(count).map((index) => `apiVersion: v1
kind: Service
metadata: {name: shop-${String(index).padStart(3, '0')}, namespace: default}
spec:
  selector: {app: shop}
  ports: [{name: http, port: ${index % 2 === 0 ? 80 : 8000 + index}, targetPort: 8080, protocol: ${index % 2 === 0 ? 'TCP' : 'UDP'}}, {name: grpc, port: 81, protocol: ${index % 2 === 0 ? 'TCP' : 'UDP'}}]
`);
    const documents = [...deployments, ...services];
    const inputBytes = documents.join('---\n').length;
    const analyzer = ['--analyzer', 'deployment.ServiceAssociationAnalyzer'];
    const text = analyzeDocuments(documents, ...analyzer);
    const lines = text.output.trimEnd().split('\n');
    expect(lines.filter((line) => line.includes('[IST0116]'))).toHaveLength(count);
    expect(lines.filter((line) => line.includes('[IST0137]'))).toHaveLength(count);
    expect(lines.find((line) => line.includes('[IST0116]'))).toMatch(/different protocols: \[default\/shop-000 default\/shop-001 (\S+ ){7}\S+ and 490 more\]$/);
    expect(lines.find((line) => line.includes('[IST0137]'))).toMatch(/using targetPort "8080" but different ports: \[80 8001 8003 (\S+ ){6}\S+ and 241 more\]\.$/);
    expect(text.output.length).toBeLessThan(4 * inputBytes);

    const json = analyzeDocuments(documents, ...analyzer, '-o', 'json');
    const findings = JSON.parse(json.output) as Finding[];
    // The Deployments have the same pod labels, so they share the lists: each is printed once.
    expect(findings.filter((finding) => finding.members !== undefined).map((finding) => [finding.code, finding.members?.length]))
      .toEqual([['IST0116', count], ['IST0137', 251]]);
    expect(json.output.length).toBeLessThan(5 * inputBytes);
  });

  test('a Service with 2,000 ports and 2,000 VirtualServices routing to it without a port: capped IST0112', () => {
    const count = 2000;
    const service = `apiVersion: v1
kind: Service
metadata: {name: wide, namespace: default}
spec:
  ports: [${range(count).map((index) => `{name: http-${index}, port: ${10000 + index}}`).join(', ')}]
`;
    const documents = [service, ...range(count).map((index) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: wide-${index}, namespace: default}
spec:
  hosts: [wide-${index}.example.com]
  http: [{route: [{destination: {host: wide}}]}]
`)];
    const inputBytes = documents.join('---\n').length;
    const text = analyzeDocuments(documents, '--analyzer', 'virtualservice.DestinationHostAnalyzer');
    const lines = text.output.trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    expect(lines[0]).toContain(`exposes multiple ports [${range(LISTED_OBJECTS).map((index) => 10000 + index).join(' ')} and ${count - LISTED_OBJECTS} more].`);
    expect(text.output.length).toBeLessThan(4 * inputBytes);
  });

  test('1,000 gateway routes to a host that 1,000 VirtualServices route by subset: one capped IST0140 per route, not a million', () => {
    const count = 1000;
    const virtualService = (name: string, spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
${spec}
`;
    const documents = [reviewsService,
      ...range(count).map((index) => virtualService(`ingress-${index}`,
        `  hosts: [shop-${index}.example.com]\n  gateways: [istio-system/gw]\n  http: [{route: [{destination: {host: reviews}}]}]`)),
      ...range(count).map((index) => virtualService(`subset-${String(index).padStart(3, '0')}`,
        '  hosts: [reviews]\n  http: [{route: [{destination: {host: reviews, subset: v1}}]}]'))];
    const inputBytes = documents.join('---\n').length;
    const analyzer = ['--analyzer', 'virtualservice.DestinationHostAnalyzer'];
    const text = analyzeDocuments(documents, ...analyzer);
    const lines = text.output.trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    const first = range(LISTED_OBJECTS).map((index) => `default/subset-${String(index).padStart(3, '0')}`).join(',');
    expect(lines[0]).toBe(`Warning [IST0140] (VirtualService default/ingress-0) Subset in virtual service ${first} and ${count - LISTED_OBJECTS} more `
      + 'has no effect on ingress gateway default/ingress-0 requests');
    expect(text.output.length).toBeLessThan(4 * inputBytes);

    const json = analyzeDocuments(documents, ...analyzer, '-o', 'json');
    const findings = JSON.parse(json.output) as Finding[];
    expectOneGroup(findings, 'IST0140', range(count).map((index) => `default/subset-${String(index).padStart(3, '0')}`));
    expect(json.output.length).toBeLessThan(5 * inputBytes);
  });

  test('up to LISTED_OBJECTS subset routes, IST0140 stays one message per route, as istioctl prints it', () => {
    const documents = [reviewsService, `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ingress, namespace: default}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/gw]
  http: [{route: [{destination: {host: reviews}}]}]
`, ...['a', 'b'].map((name) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
`)];
    const text = analyzeDocuments(documents, '--analyzer', 'virtualservice.DestinationHostAnalyzer');
    expect(text.output).toBe(['a', 'b'].map((name) => `Warning [IST0140] (VirtualService default/ingress) Subset in virtual service default/${name} `
      + 'has no effect on ingress gateway default/ingress requests\n').join(''));
  });
});
