/**
 * Pods and the Deployment controller: pod timings read from the pod template (readiness probe, preStop,
 * grace period, sidecar drain), what a request meets at a pod at a given time, and Kubernetes' rolling update.
 */
import { deploymentOf, Labels, PodTemplateView } from '../model';
import { DeploymentInfo } from '../verify/state';
import { SimulationTimings } from './timings';

/** What a request sent to a pod gets: success, or the status and Envoy response flag of its failure. */
export type PodAnswer = 'ok' | 'UC' | 'UF';

/** One pod of a workload. Times are simulation seconds; Infinity means "not (yet)". */
export interface Pod {
  /** Creation order, unique. */
  readonly id: number;
  /** Key of its workload (`Deployment ns/name`). */
  readonly workload: string;
  /** Template revision of the workload it was created for. */
  readonly revision: number;
  /** Namespace. */
  readonly namespace: string;
  /** Pod labels (what Services and subsets select). */
  readonly labels: Labels;
  /** Termination and readiness settings of its template. */
  readonly settings: PodSettings;
  /** When the app accepts connections. */
  readonly acceptsAt: number;
  /** When Kubernetes marks it ready (readiness probe passed). */
  readonly readyAt: number;
  /** When it was deleted (the sidecar gets SIGTERM, the app's preStop starts). */
  deletedAt: number;
  /** When the sidecar stops closing keep-alive connections under requests (end of the close race). */
  closeRaceEndsAt: number;
  /** When the app gets SIGTERM and stops accepting connections (after preStop). */
  sigtermAt: number;
  /** When the sidecar exits: traffic enters the pod through it, so nothing answers after that. */
  sidecarExitAt: number;
  /** When the app has exited (it finishes in-flight requests until then). */
  appExitAt: number;
  /** When every container has exited. */
  goneAt: number;
  /** When a ConfigMap or Secret it reads changed or was deleted under it (in place: no new pod); Infinity if never. */
  configChangedAt: number;
}

/** Termination and readiness settings of a pod template, in seconds. */
export interface PodSettings {
  /** Readiness probe's `initialDelaySeconds` and `periodSeconds`; absent: ready once containers run. */
  readonly probe?: { readonly initialDelay: number; readonly period: number };
  /** preStop sleep of the app container (0 without one). */
  readonly preStop: number;
  /** `terminationGracePeriodSeconds`. */
  readonly grace: number;
  /** Sidecar `terminationDrainDuration`. */
  readonly sidecarDrain: number;
}

const SLEEP_COMMAND = /\bsleep\s+(\d+(?:\.\d+)?)/;
const DRAIN_DURATION = /terminationDrainDuration["']?\s*:\s*["']?(\d+(?:\.\d+)?)(ms|s|m)?/;

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads the settings of a pod template; Kubernetes' and Istio's defaults (from timings) where the template says nothing. */
export function podSettings(template: PodTemplateView, timings: SimulationTimings): PodSettings {
  const probed = template.containers.find((c) => c.readinessProbe)?.readinessProbe;
  const preStops = template.containers.map(({ preStop }) => {
    const sleep = seconds(preStop?.sleepSeconds);
    if (sleep !== undefined) return sleep;
    const match = SLEEP_COMMAND.exec(preStop?.command.join(' ') ?? '');
    return match ? Number(match[1]) : 0;
  });
  const drain = DRAIN_DURATION.exec(template.annotations['proxy.istio.io/config'] ?? '');
  const unit = drain?.[2] === 'ms' ? 0.001 : drain?.[2] === 'm' ? 60 : 1;
  return {
    probe: probed ? {
      initialDelay: seconds(probed.initialDelaySeconds) ?? 0,
      period: seconds(probed.periodSeconds) || timings.defaultProbePeriodSeconds,
    } : undefined,
    preStop: Math.max(0, ...preStops),
    grace: seconds(template.terminationGracePeriodSeconds) ?? timings.defaultGracePeriodSeconds,
    sidecarDrain: drain ? Number(drain[1]) * unit : timings.sidecarDrainSeconds,
  };
}

/** When a pod whose containers run from `runningAt` and whose app accepts from `acceptsAt` passes its first readiness probe. */
export function readyTime(settings: PodSettings, runningAt: number, acceptsAt: number): number {
  if (!settings.probe) return runningAt; // no probe: ready as soon as containers run, listening or not
  const first = runningAt + settings.probe.initialDelay;
  if (first >= acceptsAt) return first;
  return first + Math.ceil((acceptsAt - first) / settings.probe.period) * settings.probe.period;
}

/** Marks a pod deleted at `now`: preStop then SIGTERM for the app, SIGTERM at once for the sidecar, all capped by the grace period. */
export function terminate(pod: Pod, now: number, timings: SimulationTimings): void {
  const { settings } = pod;
  const killedAt = now + settings.grace;
  pod.deletedAt = now;
  pod.closeRaceEndsAt = now + timings.keepAliveCloseRaceSeconds;
  pod.sigtermAt = Math.min(now + settings.preStop, killedAt);
  pod.sidecarExitAt = Math.min(now + settings.sidecarDrain, killedAt);
  pod.appExitAt = Math.min(pod.sigtermAt + timings.appShutdownSeconds, killedAt);
  pod.goneAt = Math.max(pod.sidecarExitAt, pod.appExitAt);
}

/** Whether a request in flight on `pod` until `end` completes: its sidecar and app still run then. */
export function completes(pod: Pod, end: number): boolean {
  return end < pod.sidecarExitAt && end < pod.appExitAt;
}

/** What a request that a proxy sends to `pod` at `time` gets. */
export function answer(pod: Pod, time: number): PodAnswer {
  if (time >= pod.sidecarExitAt || time >= pod.sigtermAt || time < pod.acceptsAt) return 'UF';
  if (time >= pod.deletedAt && time < pod.closeRaceEndsAt) return 'UC';
  return 'ok';
}

/** A workload as the Deployment controller sees it. */
export interface Workload {
  /** `Deployment ns/name`. */
  readonly key: string;
  /** The object as last applied. */
  info: DeploymentInfo;
  /** Its pod settings. */
  settings: PodSettings;
  /** Revision of the current template (incremented on each template change). */
  revision: number;
  /** Pods not deleted, of any revision. */
  pods: Pod[];
  /** When the last deleted pod is gone (Recreate creates new pods only after that). */
  goneAt: number;
  /** The replica count its HorizontalPodAutoscaler last set, if one scales it (the simulation has no load: its minReplicas). */
  autoscaled?: number;
}

/** The replica count its autoscaler set, else `spec.replicas` (Kubernetes default 1). */
export function replicasOf(workload: Workload): number {
  if (workload.autoscaled !== undefined) return workload.autoscaled;
  const { replicas } = deploymentOf(workload.info.object);
  return replicas !== undefined && replicas >= 0 ? replicas : 1;
}

function intOrPercent(value: number | string | undefined, replicas: number, round: (x: number) => number, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const match = /^(\d+)%$/.exec(v);
  return match ? round((Number(match[1]) * replicas) / 100) : 0;
}

/** What the controller does now: pods to create (count) and pods to delete. */
export interface ScaleDecision {
  /** Number of pods of the current revision to create. */
  readonly create: number;
  /** Pods to delete. */
  readonly remove: readonly Pod[];
}

/**
 * One reconcile of the Deployment controller at `now`: a RollingUpdate bounded by maxSurge and maxUnavailable
 * (Kubernetes' defaults 25 %), not-ready old pods removed first; Recreate removes every old pod and creates
 * the new ones once the old are gone (the caller reconciles again at {@link Workload.goneAt}).
 */
export function reconcile(workload: Workload, now: number): ScaleDecision {
  const replicas = replicasOf(workload);
  const current = workload.pods.filter((p) => p.revision === workload.revision);
  const old = workload.pods.filter((p) => p.revision !== workload.revision);
  const ready = (p: Pod) => p.readyAt <= now;
  const deployment = deploymentOf(workload.info.object);
  const recreate = deployment.strategyType === 'Recreate';
  if (recreate && old.length > 0) return { create: 0, remove: old };
  if (recreate && now < workload.goneAt) return { create: 0, remove: [] };
  if (old.length === 0) {
    const surplus = current.length - replicas;
    // Scale down the newest first, not-ready ones before ready ones (as the ReplicaSet controller does).
    const byPreference = [...current].sort((a, b) => Number(ready(a)) - Number(ready(b)) || b.id - a.id);
    return surplus > 0 ? { create: 0, remove: byPreference.slice(0, surplus) } : { create: -surplus, remove: [] };
  }
  let maxSurge = intOrPercent(deployment.maxSurge, replicas, Math.ceil, '25%');
  const maxUnavailable = intOrPercent(deployment.maxUnavailable, replicas, Math.floor, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
  const create = Math.max(0, Math.min(replicas + maxSurge - workload.pods.length, replicas - current.length));
  const notReadyOld = old.filter((p) => !ready(p));
  const readyOld = old.filter(ready);
  const available = current.filter(ready).length + readyOld.length;
  const removable = Math.max(0, available - (replicas - maxUnavailable));
  return { create, remove: [...notReadyOld, ...readyOld.slice(0, removable)] };
}
