/** Workloads: the kinds whose pod template makes the pods that Services and subsets select. */
import { isMapping, KubeObject } from '../../manifest';
import { Fields } from '../fields';
import { KindModel } from '../kind';
import { Labels, listOf, optionalNumber, optionalString, raw, Raw, specOf, stringMap, stringsOf } from '../metadata';

const FIELDS: Fields = { spec: { fields: { template: { fields: { metadata: { fields: { labels: 'labels' } } } } } } };

/** Deployment (synthesized plans use only these). */
export const DEPLOYMENT: KindModel = { kind: 'Deployment', group: 'apps', fields: FIELDS };
/** The other kinds with a pod template whose pods Services select. */
export const STATEFUL_SET: KindModel = { kind: 'StatefulSet', group: 'apps', fields: FIELDS };
export const DAEMON_SET: KindModel = { kind: 'DaemonSet', group: 'apps', fields: FIELDS };
export const REPLICA_SET: KindModel = { kind: 'ReplicaSet', group: 'apps', fields: FIELDS };

/** Kinds whose pod template makes pods (matched by kind name, whatever the apiVersion). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET].map((k) => k.kind));

/** A container of a pod template, as its readers need it (a field absent or of another type is undefined). */
export interface ContainerView {
  /** Container name ('' when missing). */
  readonly name: string;
  /** Image ('' when missing). */
  readonly image: string;
  /** The readiness probe's timing, when the container has a probe. */
  readonly readinessProbe?: { readonly initialDelaySeconds?: number; readonly periodSeconds?: number };
  /** The lifecycle preStop hook, when there is one: its `sleep.seconds` and its `exec.command` (strings only). */
  readonly preStop?: { readonly sleepSeconds?: number; readonly command: readonly string[] };
}

/** The pod template of a workload, as its readers need it. */
export interface PodTemplateView {
  /** Labels of the pods: what Services and subsets select. */
  readonly labels: Labels;
  /** Annotations of the pods. */
  readonly annotations: Labels;
  /** The containers, in order. */
  readonly containers: readonly ContainerView[];
  /** `spec.terminationGracePeriodSeconds`, when it is a number. */
  readonly terminationGracePeriodSeconds?: number;
  /** The template as written (null when there is none): what a rolling update compares (with sameObject). */
  readonly raw: unknown;
}

/** What the Deployment controller reads of a workload's spec (a field absent or of another type is undefined). */
export interface DeploymentView {
  /** `spec.replicas` (Kubernetes' default, 1, is the reader's to apply). */
  readonly replicas?: number;
  /** `spec.strategy.type`: `RollingUpdate` (Kubernetes' default) or `Recreate`. */
  readonly strategyType?: string;
  /** `spec.strategy.rollingUpdate.maxSurge`: a count or a percentage such as `25%` (Kubernetes' default). */
  readonly maxSurge?: number | string;
  /** `spec.strategy.rollingUpdate.maxUnavailable`: a count or a percentage such as `25%` (Kubernetes' default). */
  readonly maxUnavailable?: number | string;
}

/** The pod template of a workload as written (null when there is none). */
export function templateOf(object: KubeObject): unknown {
  return specOf(object)?.template ?? null;
}

/** Labels of the pods a workload makes (what the verifier indexes: the rest of the template is not read there). */
export function podLabelsOf(object: KubeObject): Labels {
  return stringMap(raw(raw(templateOf(object))?.metadata)?.labels);
}

/** The pod template of a workload object. */
export function podTemplateOf(object: KubeObject): PodTemplateView {
  const template = templateOf(object);
  const metadata = raw(raw(template)?.metadata);
  const spec = raw(raw(template)?.spec);
  return {
    labels: stringMap(metadata?.labels),
    annotations: stringMap(metadata?.annotations),
    containers: listOf(spec?.containers).map((container) => containerOf(raw(container))),
    terminationGracePeriodSeconds: optionalNumber(spec?.terminationGracePeriodSeconds),
    raw: template,
  };
}

function containerOf(container: Raw): ContainerView {
  const probe = container?.readinessProbe;
  const preStop = raw(raw(container?.lifecycle)?.preStop);
  return {
    name: optionalString(container?.name) ?? '',
    image: optionalString(container?.image) ?? '',
    readinessProbe: isMapping(probe)
      ? { initialDelaySeconds: optionalNumber(probe.initialDelaySeconds), periodSeconds: optionalNumber(probe.periodSeconds) }
      : undefined,
    preStop: isMapping(preStop)
      ? { sleepSeconds: optionalNumber(raw(preStop.sleep)?.seconds), command: stringsOf(raw(preStop.exec)?.command) }
      : undefined,
  };
}

/**
 * The container of a workload that serves a Service's port: the first that declares one of its target ports (a number
 * or a port name), else the first container (Kubernetes does not require declaring ports). Its name, and whether it
 * has a readiness probe; undefined without containers. Reads only these fields: every routed workload of every phase is checked.
 */
export function servingContainerOf(object: KubeObject, targetPorts: readonly (number | string)[]): { readonly name: string; readonly probed: boolean } | undefined {
  const containers = listOf(raw(raw(templateOf(object))?.spec)?.containers);
  const serves = (container: unknown) => listOf(raw(container)?.ports).some((port) => {
    const { containerPort, name } = raw(port) ?? {};
    return targetPorts.includes(containerPort as number) || (typeof name === 'string' && targetPorts.includes(name));
  });
  const container = raw(containers.find(serves) ?? containers[0]);
  return container === undefined ? undefined : { name: optionalString(container?.name) ?? '', probed: isMapping(container?.readinessProbe) };
}

/** The Deployment view of a workload object. */
export function deploymentOf(object: KubeObject): DeploymentView {
  const spec = specOf(object);
  const strategy = raw(spec?.strategy);
  const rollingUpdate = raw(strategy?.rollingUpdate);
  return {
    replicas: optionalNumber(spec?.replicas),
    strategyType: optionalString(strategy?.type),
    maxSurge: intOrString(rollingUpdate?.maxSurge),
    maxUnavailable: intOrString(rollingUpdate?.maxUnavailable),
  };
}

/** Kubernetes' IntOrString from untrusted input, or undefined. */
function intOrString(value: unknown): number | string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}
