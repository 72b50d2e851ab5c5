/**
 * The restricted Pod Security Standard (Kubernetes 1.27) as the product's default, and what leaves it: the
 * security contexts every rendered container and pod get (the user's settings over the restricted ones),
 * and, for a service's settings, each one that needs the baseline or privileged level with the path that
 * sets it. The checks follow https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 */
import type { Container, PodSecurityContext, SecurityContext, Volume } from '../../imports/k8s-workload';
import type { PodSecurityException } from './model';
import type { MainContainerSpec, PodSecurityLevel, PodSpecExtras } from './types';
import { printPath } from './field-path';

/** The seccomp profile of the restricted profile. */
const RUNTIME_DEFAULT = { type: 'RuntimeDefault' } as const;

/** The container security context of the restricted profile, with `user`'s settings over it (capabilities field by field). */
export function containerSecurityContext(user: SecurityContext = {}): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: RUNTIME_DEFAULT,
    ...user,
    capabilities: { drop: ['ALL'], ...user.capabilities },
  };
}

/** The pod security context of the restricted profile, with `user`'s settings over it. */
export function podSecurityContext(user: PodSecurityContext = {}): PodSecurityContext {
  return { runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT, ...user };
}

/** Levels from the strictest; a level allows what every level before it allows. */
const ORDER: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/** True when `allowed` permits what `needed` needs. */
export function allows(allowed: PodSecurityLevel, needed: PodSecurityLevel): boolean {
  return ORDER.indexOf(allowed) >= ORDER.indexOf(needed);
}

/** Capabilities the baseline profile lets a container add; restricted allows NET_BIND_SERVICE only. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Volume sources the restricted profile allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports']);
/** SELinux types the baseline profile allows. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

type Segments = readonly (string | number)[];

/** The settings of a service's pod (its main container's, its pod's and other containers') that leave the restricted profile. */
export function podSecurityExceptions(container: MainContainerSpec, pod: PodSpecExtras, annotations: Readonly<Record<string, string>>,
  at: Segments): PodSecurityException[] {
  const found: PodSecurityException[] = [];
  const add = (level: PodSecurityException['level'], segments: Segments, reason: string) =>
    found.push({ level, path: printPath(segments), segments, reason });

  const contexts = (context: SecurityContext | PodSecurityContext | undefined, where: Segments) => {
    if (context === undefined) return;
    if (context.runAsNonRoot === false) add('baseline', [...where, 'runAsNonRoot'], 'may run as root (runAsNonRoot: false)');
    if (context.runAsUser === 0) add('baseline', [...where, 'runAsUser'], 'runs as root (runAsUser: 0)');
    if (context.seccompProfile?.type === 'Unconfined') add('privileged', [...where, 'seccompProfile', 'type'], 'runs without seccomp (Unconfined)');
    const selinux = context.seLinuxOptions;
    if (selinux && (!SELINUX_TYPES.has(selinux.type ?? '') || selinux.user !== undefined || selinux.role !== undefined)) {
      add('privileged', [...where, 'seLinuxOptions'], 'sets a custom SELinux user, role or type');
    }
    if (context.windowsOptions?.hostProcess === true) add('privileged', [...where, 'windowsOptions', 'hostProcess'], 'runs as a Windows host process');
  };
  const containerChecks = (spec: MainContainerSpec | Container, where: Segments) => {
    const context = spec.securityContext;
    const contextAt = [...where, 'securityContext'];
    contexts(context, contextAt);
    if (context?.privileged === true) add('privileged', [...contextAt, 'privileged'], 'runs privileged');
    if (context?.allowPrivilegeEscalation === true) add('baseline', [...contextAt, 'allowPrivilegeEscalation'], 'allows privilege escalation');
    if (context?.procMount !== undefined && context.procMount !== 'Default') add('privileged', [...contextAt, 'procMount'], `mounts /proc ${context.procMount}`);
    (context?.capabilities?.add ?? []).forEach((capability, index) => {
      if (capability === 'NET_BIND_SERVICE') return;
      add(BASELINE_CAPABILITIES.has(capability) ? 'baseline' : 'privileged', [...contextAt, 'capabilities', 'add', index], `adds capability ${capability}`);
    });
    const drop = context?.capabilities?.drop;
    if (drop !== undefined && !drop.includes('ALL')) add('baseline', [...contextAt, 'capabilities', 'drop'], 'does not drop ALL capabilities');
    (spec.ports ?? []).forEach((port, index) => {
      if (port.hostPort !== undefined && port.hostPort !== 0) add('privileged', [...where, 'ports', index, 'hostPort'], `binds host port ${port.hostPort}`);
    });
  };

  containerChecks(container, [...at, 'container']);
  const podAt = [...at, 'pod'];
  (pod.containers ?? []).forEach((spec, index) => containerChecks(spec, [...podAt, 'containers', index]));
  (pod.initContainers ?? []).forEach((spec, index) => containerChecks(spec, [...podAt, 'initContainers', index]));
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[field] === true) add('privileged', [...podAt, field], `shares the node's ${field.slice('host'.length)} namespace (${field})`);
  }
  contexts(pod.securityContext, [...podAt, 'securityContext']);
  (pod.securityContext?.sysctls ?? []).forEach((sysctl, index) => {
    if (!SAFE_SYSCTLS.has(sysctl.name)) add('privileged', [...podAt, 'securityContext', 'sysctls', index], `sets the unsafe sysctl ${sysctl.name}`);
  });
  (pod.volumes ?? []).forEach((volume: Volume, index) => {
    const source = Object.keys(volume).find((key) => key !== 'name');
    if (source === undefined || RESTRICTED_VOLUMES.has(source)) return;
    add(source === 'hostPath' ? 'privileged' : 'baseline', [...podAt, 'volumes', index, source], `mounts a ${source} volume`);
  });
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      add('privileged', [...at, 'podMetadata', 'annotations', key], `sets the AppArmor profile ${value}`);
    }
  }
  return found;
}
