/**
 * Every pod template of every phase (the example's, and that of random valid matrices) meets the Pod
 * Security Standards "restricted" profile, checked rule by rule by an explicit checker (the rules of
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/, baseline and restricted).
 */
import fc from 'fast-check';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { MatrixSpec } from '../../src/matrix/types';
import { synthesizeFiles } from '../../src/synth';
import { outputObjects, podTemplates, validMatrix } from './valid-matrices';

/** Volume types the restricted profile allows. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];

/** Every violation of the restricted profile (which includes baseline) by one pod template; empty when it complies. */
function restrictedViolations(template: { metadata?: any; spec: any }): string[] {
  const pod = template.spec;
  const violations: string[] = [];
  const fail = (rule: string) => violations.push(rule);
  const podContext = pod.securityContext ?? {};
  const containers: any[] = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];

  // Baseline.
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field] === true) fail(`${field} is true`);
  if (podContext.windowsOptions?.hostProcess === true) fail('pod windowsOptions.hostProcess');
  if (podContext.seLinuxOptions?.user !== undefined || podContext.seLinuxOptions?.role !== undefined) fail('pod seLinuxOptions user/role');
  for (const sysctl of podContext.sysctls ?? []) if (!SAFE_SYSCTLS.includes(sysctl.name)) fail(`unsafe sysctl ${sysctl.name}`);
  for (const volume of pod.volumes ?? []) {
    if (volume.hostPath !== undefined) fail(`hostPath volume ${volume.name}`);
    const types = Object.keys(volume).filter((key) => key !== 'name');
    if (types.length !== 1 || !RESTRICTED_VOLUMES.includes(types[0])) fail(`volume ${volume.name} of type ${types.join(', ')}`);
  }
  // Restricted, at pod level (containers may set them instead).
  if (podContext.runAsUser === 0) fail('pod runAsUser 0');
  // Pod Security admission flags an explicit false at pod level even when every container sets true (check runAsNonRoot).
  if (podContext.runAsNonRoot === false) fail('pod runAsNonRoot false');
  if (podContext.seccompProfile !== undefined && !SECCOMP_ALLOWED.includes(podContext.seccompProfile.type)) fail('pod seccompProfile');

  for (const container of containers) {
    const context = container.securityContext ?? {};
    const name = `container ${container.name}`;
    if (context.privileged === true) fail(`${name} privileged`);
    if (context.windowsOptions?.hostProcess === true) fail(`${name} windowsOptions.hostProcess`);
    if (context.procMount !== undefined && context.procMount !== 'Default') fail(`${name} procMount`);
    if (context.seLinuxOptions?.user !== undefined || context.seLinuxOptions?.role !== undefined) fail(`${name} seLinuxOptions user/role`);
    for (const port of container.ports ?? []) if (port.hostPort !== undefined && port.hostPort !== 0) fail(`${name} hostPort ${port.hostPort}`);
    if (context.allowPrivilegeEscalation !== false) fail(`${name} allowPrivilegeEscalation is not false`);
    if (context.runAsNonRoot !== true && !(context.runAsNonRoot === undefined && podContext.runAsNonRoot === true)) fail(`${name} runAsNonRoot is not true`);
    if (context.runAsUser === 0) fail(`${name} runAsUser 0`);
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (!SECCOMP_ALLOWED.includes(seccomp)) fail(`${name} seccompProfile is not RuntimeDefault or Localhost`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) fail(`${name} does not drop ALL capabilities`);
    for (const added of context.capabilities?.add ?? []) if (added !== 'NET_BIND_SERVICE') fail(`${name} adds capability ${added}`);
  }
  for (const [key, value] of Object.entries<string>(template.metadata?.annotations ?? {})) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) fail(`AppArmor ${key}`);
  }
  return violations;
}

/** `where: violation` for every pod template of the output of a matrix. */
function violationsOf(templates: ReturnType<typeof podTemplates>): string[] {
  return templates.flatMap(({ where, template }) => restrictedViolations(template).map((violation) => `${where}: ${violation}`));
}

const templatesOf = (spec: MatrixSpec) => podTemplates(outputObjects(synthesizeFiles(validateMatrix(spec))));

describe('Pod Security Standards, restricted', () => {
  test('every pod template of the example release', () => {
    const templates = templatesOf(exampleMatrix);
    expect(templates.length).toBeGreaterThan(0);
    expect(violationsOf(templates)).toEqual([]);
  });

  test('every pod template of random valid matrices', () => {
    fc.assert(fc.property(validMatrix, (spec) => { expect(violationsOf(templatesOf(spec))).toEqual([]); }), { numRuns: 20 });
  });

  test('random pod settings of a service: what restricted environments accept meets the profile, what they refuse does not', () => {
    /** Settings a service may give, compliant or not (the independent checker above decides which). */
    const settings: ((service: any) => void)[] = [
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, runAsUser: 1000 } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, runAsUser: 0 } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, privileged: true } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, allowPrivilegeEscalation: true } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, capabilities: { add: ['NET_BIND_SERVICE'] } } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, capabilities: { add: ['SYS_ADMIN'] } } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, readOnlyRootFilesystem: false } }; },
      (s) => { s.container = { ...s.container, securityContext: { ...s.container?.securityContext, seccompProfile: { type: 'Unconfined' } } }; },
      (s) => { s.pod = { ...s.pod, securityContext: { fsGroup: 2000, runAsGroup: 3000 } }; },
      (s) => { s.pod = { ...s.pod, securityContext: { runAsNonRoot: false } }; },
      (s) => { s.pod = { ...s.pod, hostNetwork: true }; },
      (s) => { s.pod = { ...s.pod, volumes: [{ name: 'host', hostPath: { path: '/var/log' } }] }; },
      (s) => { s.pod = { ...s.pod, volumes: [{ name: 'nfs', nfs: { server: 'nfs.example.com', path: '/data' } }] }; },
      (s) => { s.pod = { ...s.pod, initContainers: [{ name: 'init', image: 'busybox:1', securityContext: { runAsUser: 0 } }] }; },
      (s) => { s.pod = { ...s.pod, containers: [{ name: 'side', image: 'busybox:1', securityContext: { capabilities: { drop: ['NET_RAW'] } } }] }; },
      (s) => { s.podMetadata = { annotations: { 'container.apparmor.security.beta.kubernetes.io/barista': 'unconfined' } }; },
    ];
    const matrices = fc.subarray(settings.map((_, i) => i), { minLength: 1 }).map((chosen) => {
      const spec: any = { environments: { prod: { namespace: 'prod' } }, releases: { prod: { barista: { version: 'v1' } } },
        services: { barista: { image: 'sdaschner/barista', versions: { v1: 'b1' }, port: 8080, readinessPath: '/', livenessPath: '/' } } };
      chosen.forEach((i) => settings[i](spec.services.barista));
      return spec as MatrixSpec;
    });
    fc.assert(fc.property(matrices, (spec) => {
      let templates: ReturnType<typeof podTemplates> | undefined;
      try {
        templates = templatesOf(spec);
      } catch (error) {
        expect(String(error)).toContain('Pod Security profile of environment prod');
      }
      if (templates) expect(violationsOf(templates)).toEqual([]);
      else {
        // What was refused is what the profile forbids: the same pod, allowed as privileged, violates it.
        const allowed = { ...spec, environments: { prod: { namespace: 'prod', podSecurity: 'privileged' as const } } };
        expect(violationsOf(templatesOf(allowed))).not.toEqual([]);
      }
    }), { numRuns: 60 });
  });

  test('the checker finds each kind of violation', () => {
    const compliant = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    };
    expect(restrictedViolations({ spec: compliant })).toEqual([]);
    const hostile = {
      hostNetwork: true, hostPID: true,
      securityContext: { runAsUser: 0, seccompProfile: { type: 'Unconfined' } },
      containers: [{
        name: 'app', ports: [{ containerPort: 80, hostPort: 80 }],
        securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } },
      }],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    };
    const annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    expect(restrictedViolations({ metadata: { annotations }, spec: hostile })).toEqual([
      'hostNetwork is true', 'hostPID is true', 'hostPath volume root', 'volume root of type hostPath', 'pod runAsUser 0', 'pod seccompProfile',
      'container app privileged', 'container app hostPort 80', 'container app allowPrivilegeEscalation is not false',
      'container app runAsNonRoot is not true', 'container app seccompProfile is not RuntimeDefault or Localhost',
      'container app does not drop ALL capabilities', 'container app adds capability SYS_ADMIN',
      'AppArmor container.apparmor.security.beta.kubernetes.io/app',
    ]);
  });
});
