/**
 * `plan` and `verify` read the same objects the same way: two phase folders whose objects differ only in
 * the order of their keys hold the same desired state (kubectl applies the same thing), so neither command
 * may see a change. Runs the compiled CLI (`npm run build` first), as a user would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../robustness/cli';

const BASELINE = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        version: v1
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          readinessProbe:
            periodSeconds: 5
            httpGet:
              path: /
              port: 80
`;

/** The same two objects with every mapping's keys in another order (lists keep theirs: their order is content). */
const REORDERED = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
    - port: 80
  selector:
    app: web
---
kind: Deployment
apiVersion: apps/v1
metadata:
  namespace: shop
  name: web
spec:
  template:
    spec:
      containers:
        - image: nginx:1.27
          readinessProbe:
            httpGet:
              port: 80
              path: /
            periodSeconds: 5
          name: web
          ports:
            - containerPort: 80
    metadata:
      labels:
        version: v1
        app: web
  selector:
    matchLabels:
      app: web
`;

function environment(second: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'key-order-')), 'shop');
  for (const [folder, text] of [['00-baseline', BASELINE], ['01-reordered', second]]) {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, 'web.yaml'), text);
  }
  return dir;
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

test('plan and verify agree: objects that differ only in key order are not a change', () => {
  const dir = environment(REORDERED);
  const verify = cli('verify', dir);
  expect(verify.stdout).toContain('0 findings');
  expect(verify.status).toBe(0);
  const plan = cli('plan', dir);
  expect(plan.stderr).toBe('');
  expect(plan.status).toBe(0);
  const reordered = plan.stdout.split('\n\n').find((section) => section.startsWith('01-reordered'));
  expect(reordered).toBe([
    '01-reordered',
    '  (no change)',
    '  safe: nothing that carries traffic changes',
    '  gates: none',
  ].join('\n'));
});

test('a real change of the pod template is still one, for both commands', () => {
  const dir = environment(REORDERED.replace('nginx:1.27', 'nginx:1.28'));
  const plan = cli('plan', dir);
  expect(plan.stdout).toContain('  ~ Deployment web: pod template changed (an in-place rolling update)');
  expect(plan.stdout).not.toContain('~ Service web');
  expect(plan.status).toBe(1);
  const verify = cli('verify', dir);
  expect(verify.stdout).toContain('transition/in-place-update');
  expect(verify.status).toBe(1);
});
