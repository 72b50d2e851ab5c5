/**
 * The simulation: phases applied one after the other with their gates, while a Fortio-like client sends
 * keep-alive traffic through the client sidecar and the ingress gateway. A pure function of the phases, the
 * options and the seed: events (API requests, pushes, pod start and termination, gates) run in time order,
 * and each request is evaluated against the proxy's view at its send time.
 */
import { gateActions } from '../apply/steps';
import { identityKey, KubeObject, ObjectRef } from '../manifest';
import {
  autoscalerOf, changedKeys, deploymentOf, destinationRuleOf, isConfiguration, namespaceOf, podTemplateOf, sameObject, workloadConfigurationReferences,
  workloadKey,
} from '../model';
import { PhaseManifest } from '../verify';
import { backendsOf, buildState, PhaseState, sameTemplate, StateCache, subsetFor } from '../verify/state';
import { EventQueue } from './events';
import { answer, completes, Pod, podSettings, readyTime, reconcile, replicasOf, terminate, Workload } from './pods';
import { CONFIG_KINDS, FailureCode, ProxyKind, ProxyView, Target } from './proxy';
import { boundGateways, meshVirtualServicesByHost, pathOf, routedKeys, routingRulesOf } from './routes';
import { createSchedule, Exposure, Schedule, ScheduleKind } from './schedule';
import { DEFAULT_TIMINGS, SimulationTimings } from './timings';

/** Options of {@link simulateRelease}. */
export interface SimulationOptions {
  /** Requests per second the client sends, over all its connections. @default 500 */
  readonly qps?: number;
  /** Keep-alive connections; each sends to one target (mesh host or gateway route), round robin. @default 50 */
  readonly connections?: number;
  /**
   * Seconds of traffic after the last phase is applied, and at least until the cluster has settled (rollouts
   * done, every push received); earlier phases last until their gates pass. @default 20
   */
  readonly durationSeconds?: number;
  /** Seed of the pseudo-random generator. @default 1 */
  readonly seed?: number;
  /** `random` draws delays; `adversarial` exposes each change at its worst moment. @default 'random' */
  readonly schedule?: ScheduleKind;
  /** Timings that differ from {@link DEFAULT_TIMINGS}. @default {} */
  readonly timings?: Partial<SimulationTimings>;
}

/** Requests and their outcomes: `200` or a failure code such as `503 NR`. */
export interface TrafficCounts {
  /** Requests sent. */
  readonly requests: number;
  /** Count by code (`200`, `503 UH`, ...). */
  readonly codes: Readonly<Record<string, number>>;
}

/** Traffic while one phase was the latest applied. */
export interface PhaseTraffic extends TrafficCounts {
  /** Phase label (its folder name). */
  readonly phase: string;
  /** When the phase was applied (simulation seconds; the first phase is in place at 0). */
  readonly startSeconds: number;
  /** When the next phase was applied, or the traffic stopped. */
  readonly endSeconds: number;
}

/** Outcome of one simulated release. */
export interface SimulationResult {
  /** Traffic per phase, in apply order (phases never applied are absent). */
  readonly phases: readonly PhaseTraffic[];
  /** Traffic of the whole run. */
  readonly total: TrafficCounts;
  /** Requests that did not get 200. */
  readonly failed: number;
  /** Why the release stopped before its last phase (a rollout gate timed out); absent when it completed. */
  readonly stopped?: string;
}

const OK = '200';
/**
 * A request answered by a pod whose ConfigMap or Secret changed under it (mounted files updated in place, env
 * that a restart would change): served, but not by the configuration of a version. Not counted as safe.
 */
export const CHANGED_CONFIGURATION = '200 CC';
/** Kubernetes' HPA sync period (kube-controller-manager --horizontal-pod-autoscaler-sync-period). */
const HPA_SYNC_SECONDS = 15;

/** Simulates applying `phases` in order (the first is in place and settled at time 0) under client traffic. */
export function simulateRelease(phases: readonly PhaseManifest[], options: SimulationOptions = {}): SimulationResult {
  if (phases.length === 0) throw new Error('simulateRelease needs at least one phase');
  return new Simulation(phases, options).run();
}

interface Change {
  readonly identity: string;
  readonly before?: KubeObject;
  /** The new version; absent for a deletion. */
  readonly after?: KubeObject;
}

interface RolloutWait {
  readonly workloads: readonly string[];
  /** For a capacity gate: the pods of the current template that must be ready (else: rolled out, `kubectl rollout status`). */
  readonly available?: number;
  readonly proceed: (now: number) => void;
}

/** A propagation gate waiting for istiod's `Reconciled`: every push of its phase received, and its seconds passed. */
interface PropagationWait {
  readonly phase: number;
  readonly minimumAt: number;
  readonly proceed: (now: number) => void;
}

/** A config change on its way to every proxy, or held back by the adversary (see {@link Simulation.release}). */
interface ConfigPush {
  readonly phase: number;
  /** The new version; absent for a deletion. */
  readonly object?: KubeObject;
  /** A route change that stops traffic somewhere: requests in flight keep the old route (adversarial). */
  readonly stopsTraffic: boolean;
}

/** A request still in flight on a pod (counted as 200 when sent; failed if the pod stops before it ends). */
interface HeldRequest {
  readonly pod: Pod;
  readonly window: TrafficWindow;
}

interface TrafficWindow {
  start: number;
  end: number;
  readonly codes: Map<string, number>;
  requests: number;
}

class Simulation {
  private readonly timings: SimulationTimings;
  private readonly schedule: Schedule;
  private readonly qps: number;
  private readonly connections: number;
  private readonly duration: number;
  private readonly states: PhaseState[];
  private readonly targets: Target[][];
  private readonly events = new EventQueue();
  private readonly api = new Map<string, KubeObject>();
  private readonly workloads = new Map<string, Workload>();
  /** What the simulation has read of the objects: its phases and every proxy view share them. */
  private readonly cache = new StateCache();
  private readonly proxies: Record<ProxyKind, ProxyView> = { sidecar: new ProxyView('sidecar', this.cache), gateway: new ProxyView('gateway', this.cache) };
  private readonly windows: TrafficWindow[] = [];
  /** Pushes of each phase not yet received by a proxy (held back ones included). */
  private readonly pushes: number[];
  /** Config changes held back by the adversary, by identity. */
  private readonly deferred = new Map<string, ConfigPush>();
  /** With {@link Schedule.requestsOutlastRouteChanges}: the last successful request per proxy, target and workload. */
  private readonly lastSent?: Record<ProxyKind, Map<string, HeldRequest>>;
  /** Requests in flight across a route change, until the next drain gate ends. */
  private held: HeldRequest[] = [];
  private nextPodId = 0;
  private endTime = Infinity;
  private stopped?: string;
  private rolloutWait?: RolloutWait;
  /** The minReplicas of each applied HorizontalPodAutoscaler, by the key of the workload it scales. */
  private readonly autoscalers = new Map<string, number>();
  private propagationWait?: PropagationWait;

  constructor(private readonly phases: readonly PhaseManifest[], options: SimulationOptions) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.qps = options.qps ?? 500;
    this.connections = options.connections ?? 50;
    this.duration = options.durationSeconds ?? 20;
    if (!(this.qps > 0) || !(this.connections >= 1) || !(this.duration >= 0)) throw new Error('qps and connections must be positive, duration not negative');
    this.schedule = createSchedule(options.schedule ?? 'random', this.timings, options.seed ?? 1);
    this.states = phases.map((phase) => buildState(phase, this.cache));
    this.pushes = phases.map(() => 0);
    if (this.schedule.requestsOutlastRouteChanges) this.lastSent = { sidecar: new Map(), gateway: new Map() };
    const perPhase = this.states.map(targetsOf);
    // A phase's traffic goes to what the phase it leaves and the phase it enters both serve.
    this.targets = perPhase.map((targets, i) => (i === 0 ? targets : targets.filter((t) => perPhase[i - 1].some((p) => p.key === t.key))));
  }

  run(): SimulationResult {
    this.settle(this.states[0]);
    this.startWindow(0);
    this.afterApplied(0, 0);
    const random = this.schedule.random;
    for (let k = 0; ; k++) {
      const time = k / this.qps;
      while (this.events.nextTime() <= time) this.events.runNext();
      if (this.events.nextTime() === Infinity && this.deferred.size > 0) {
        // Nothing else will happen: the adversary must now deliver what a waiting gate (or the end) needs.
        const waiting = this.propagationWait;
        if (waiting && time >= waiting.minimumAt) this.release(time, (d) => d.phase === waiting.phase);
        else if (time >= this.endTime) this.release(time, () => true);
        while (this.events.nextTime() <= time) this.events.runNext();
      }
      // Traffic goes on for `duration` after the last phase, and until the cluster has settled.
      if (time >= this.endTime && this.events.nextTime() === Infinity) {
        this.endTime = time;
        break;
      }
      const window = this.windows[this.windows.length - 1];
      const targets = this.targets[this.windows.length - 1];
      if (targets.length === 0) continue;
      const target = targets[(k % this.connections) % targets.length];
      const routed = this.proxies[target.via].route(target, random);
      const answered = typeof routed === 'string' ? routed : outcomeCode(answer(routed, time));
      const code = answered === OK && (routed as Pod).configChangedAt <= time ? CHANGED_CONFIGURATION : answered;
      window.codes.set(code, (window.codes.get(code) ?? 0) + 1);
      window.requests++;
      if (code === OK && this.lastSent) this.lastSent[target.via].set(`${target.key} ${(routed as Pod).workload}`, { pod: routed as Pod, window });
    }
    this.endHeldRequests(this.endTime);
    this.windows[this.windows.length - 1].end = this.endTime;
    return this.result();
  }

  /** The first phase, in place before the simulation starts: pods ready, every proxy up to date. */
  private settle(state: PhaseState): void {
    for (const object of state.phase.objects) {
      const identity = identityKey(object);
      if (this.api.has(identity)) continue;
      this.api.set(identity, object);
      if (CONFIG_KINDS.has(object.kind)) for (const proxy of this.allProxies()) proxy.receiveConfig(identity, object);
    }
    for (const object of state.phase.objects) {
      if (object.kind === 'HorizontalPodAutoscaler') this.autoscalers.set(autoscalerOf(object).targetKey, autoscalerOf(object).minReplicas);
    }
    for (const info of state.deployments.values()) {
      if (info.object.kind !== 'Deployment') continue;
      const workload = this.newWorkload(info);
      workload.autoscaled = this.autoscalers.get(info.key);
      for (let i = 0; i < replicasOf(workload); i++) {
        const pod = this.newPod(workload, -Infinity, -Infinity);
        for (const proxy of this.allProxies()) proxy.receiveEndpoint(pod, true);
      }
    }
  }

  /** Opens the traffic window of the next phase. */
  private startWindow(now: number): void {
    const previous = this.windows[this.windows.length - 1];
    if (previous) previous.end = now;
    this.windows.push({ start: now, end: Infinity, codes: new Map(), requests: 0 });
  }

  /** Sends phase `index`'s creations, changes and deletions to the API server, one request after the other. */
  private applyPhase(index: number, now: number): void {
    this.startWindow(now);
    const to = this.states[index];
    const desired = new Map<string, KubeObject>();
    for (const object of to.phase.objects) if (!desired.has(identityKey(object))) desired.set(identityKey(object), object);
    const changes: Change[] = [];
    for (const [identity, after] of desired) {
      const before = this.api.get(identity);
      if (!sameObject(before, after)) changes.push({ identity, before, after });
    }
    for (const [identity, before] of this.api) if (!desired.has(identity)) changes.push({ identity, before });
    // Adversarial order: break before make (deletions, then routes, then the rest).
    const ordered = this.schedule.order(changes, (c) => (!c.after ? 0 : c.after.kind === 'VirtualService' ? 1 : 2));
    ordered.forEach((change, i) => {
      this.events.at(now + (i + 1) * this.timings.apiRequestSeconds, () => this.applyChange(change, index, now + (i + 1) * this.timings.apiRequestSeconds));
    });
    const applied = now + ordered.length * this.timings.apiRequestSeconds;
    this.events.at(applied, () => this.afterApplied(index, applied));
  }

  private applyChange(change: Change, index: number, now: number): void {
    const [from, to] = [this.states[index - 1], this.states[index]];
    const object = change.after ?? change.before!;
    if (change.after) this.api.set(change.identity, change.after);
    else this.api.delete(change.identity);
    if (object.kind === 'Deployment') {
      const key = workloadKey({ kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name });
      const created = !this.workloads.has(key);
      this.updateWorkload(key, change.after ? to.deployments.get(key) : undefined, now);
      if (created) this.scheduleAutoscaling(key, now);
      return;
    }
    if (object.kind === 'HorizontalPodAutoscaler') {
      this.updateAutoscaler(change, now);
      return;
    }
    if (isConfiguration(object)) {
      this.changeConfiguration(change, now);
      return;
    }
    if (!CONFIG_KINDS.has(object.kind)) return;
    // A held-back earlier version reaches proxies before this one (one ordered xDS stream per proxy).
    this.release(now, (_, identity) => identity === change.identity);
    const exposure = exposureOf(change, (key, namespace) => this.servable(from, to, key, namespace, now));
    const push: ConfigPush = { phase: index, object: change.after, stopsTraffic: object.kind === 'VirtualService' && exposure === 'late' };
    const proxies = this.allProxies();
    this.pushes[index] += proxies.length;
    const delays = proxies.map(() => this.schedule.configDelay(exposure)); // each proxy after its own delay
    if (delays.includes(Infinity)) this.deferred.set(change.identity, push);
    else proxies.forEach((proxy, i) => this.deliver(proxy, change.identity, push, now + delays[i]));
  }

  /** A ConfigMap or Secret changed or deleted: the running pods that read it now serve with another configuration. */
  private changeConfiguration(change: Change, now: number): void {
    const { before, after } = change;
    if (!before || !isConfiguration(before) || (after && isConfiguration(after) && changedKeys(before, after).length === 0)) return;
    const namespace = namespaceOf(before);
    for (const workload of this.workloads.values()) {
      if (workload.info.namespace !== namespace) continue;
      const reads = workloadConfigurationReferences(workload.info.object).some((r) => r.kind === before.kind && r.name === before.metadata.name);
      if (reads) for (const pod of workload.pods) pod.configChangedAt = Math.min(pod.configChangedAt, now);
    }
  }

  /**
   * Delivers the held-back pushes that `select` picks to every proxy at `now`. The adversary holds a push back
   * until the latest moment the plan allows: while its phase's propagation gate waits for `Reconciled`, until
   * nothing else is left to happen; without that gate, until the same object changes again or the run ends.
   */
  private release(now: number, select: (push: ConfigPush, identity: string) => boolean): void {
    for (const [identity, push] of [...this.deferred]) {
      if (!select(push, identity)) continue;
      this.deferred.delete(identity);
      for (const proxy of this.allProxies()) this.deliver(proxy, identity, push, now);
    }
  }

  private deliver(proxy: ProxyView, identity: string, push: ConfigPush, at: number): void {
    const time = proxy.receiveTime(identity, at);
    this.events.at(time, () => {
      proxy.receiveConfig(identity, push.object);
      if (this.lastSent && push.object?.kind === 'VirtualService') {
        // The requests this proxy sent last keep the route they started on (a long request, a stream).
        if (push.stopsTraffic) this.held.push(...this.lastSent[proxy.kind].values());
        // Any route change ends what was sent before it: a later change can hold only what is sent from now on.
        this.lastSent[proxy.kind].clear();
      }
      this.pushes[push.phase]--;
      this.checkPropagation(time);
    });
  }

  /** Requests held across route changes end now: those whose pod stopped meanwhile fail (503 UC: connection reset). */
  private endHeldRequests(now: number): void {
    for (const { pod, window } of this.held) {
      if (completes(pod, now)) continue;
      window.codes.set(OK, window.codes.get(OK)! - 1);
      window.codes.set('503 UC', (window.codes.get('503 UC') ?? 0) + 1);
    }
    this.held = [];
  }

  /**
   * Gates of phase `index`, walked as the executors run them (src/apply/steps.ts: rollout, capacity, propagation,
   * observe, drain), then the next phase; the traffic ends after the last. Requests held across route
   * changes end with a drain.
   */
  private afterApplied(index: number, now: number): void {
    if (index === this.phases.length - 1) {
      this.endTime = now + this.duration;
      return;
    }
    const gates = gateActions(this.phases[index].gates ?? {});
    const walk = (position: number, at: number): void => {
      const gate = gates[position];
      if (gate === undefined) {
        this.events.at(at, () => this.applyPhase(index + 1, at));
        return;
      }
      const proceed = (later: number) => walk(position + 1, later);
      switch (gate.kind) {
        case 'rollout': return this.waitForRollout(index, gate.deployment, gate.timeoutSeconds, at, proceed);
        case 'capacity': return this.waitForRollout(index, gate.deployment, gate.timeoutSeconds, at, proceed, gate.replicas);
        case 'propagation':
          if (!this.schedule.gatesWaitForReconciled) {
            this.events.at(at + gate.seconds, () => proceed(at + gate.seconds));
            return;
          }
          this.propagationWait = { phase: index, minimumAt: at + gate.seconds, proceed };
          this.events.at(at + gate.seconds, () => this.checkPropagation(at + gate.seconds));
          return;
        case 'pause':
          this.events.at(at + gate.seconds, () => {
            if (gate.gate === 'drain') this.endHeldRequests(at + gate.seconds);
            proceed(at + gate.seconds);
          });
          return;
      }
    };
    walk(0, now);
  }

  /**
   * `kubectl rollout status` of one Deployment (or, with `available`, the capacity gate's wait for that many
   * available pods): proceeds when it holds, stops the release at its timeout.
   */
  private waitForRollout(index: number, deployment: ObjectRef, timeoutSeconds: number, now: number, proceed: (at: number) => void,
    available?: number): void {
    const workloads = [workloadKey(deployment)];
    const deadline = now + timeoutSeconds;
    const pending: RolloutWait = {
      workloads,
      available,
      proceed: (at) => {
        cancelDeadline();
        proceed(at);
      },
    };
    const cancelDeadline = this.events.at(deadline, () => {
      this.rolloutWait = undefined;
      this.stopped = `${this.states[index].label}: ${available === undefined ? 'rollout' : `capacity (${available} available)`} of ${workloads.join(', ')} ` +
        `did not complete within ${timeoutSeconds} s`;
      this.endTime = deadline + this.duration;
    });
    this.rolloutWait = pending;
    this.checkRollout(now);
  }

  private checkPropagation(now: number): void {
    const waiting = this.propagationWait;
    if (!waiting || now < waiting.minimumAt || this.pushes[waiting.phase] > 0) return;
    this.propagationWait = undefined;
    waiting.proceed(now);
  }

  private checkRollout(now: number): void {
    const waiting = this.rolloutWait;
    const holds = (key: string) => (waiting?.available === undefined ? this.rolledOut(key, now) : this.availablePods(key, now) >= waiting.available);
    if (!waiting || !waiting.workloads.every(holds)) return;
    this.rolloutWait = undefined;
    waiting.proceed(now);
  }

  /** `kubectl rollout status`: every replica of the current template ready, no old pod left. */
  private rolledOut(key: string, now: number): boolean {
    const workload = this.workloads.get(key);
    if (!workload) return false;
    return workload.pods.length === replicasOf(workload) && workload.pods.every((p) => p.revision === workload.revision && p.readyAt <= now);
  }

  /** `status.availableReplicas`: ready pods of the current template. */
  private availablePods(key: string, now: number): number {
    const workload = this.workloads.get(key);
    return workload ? workload.pods.filter((p) => p.revision === workload.revision && p.readyAt <= now).length : 0;
  }

  /**
   * A HorizontalPodAutoscaler applied: at its next sync it raises its workload's replicas to its minReplicas.
   * A lower minReplicas removes no pod by itself (the HPA scales down on load, which the simulation does not
   * model), and a deleted HPA leaves the count where it was, as Kubernetes does.
   */
  private updateAutoscaler(change: Change, now: number): void {
    if (!change.after) return;
    const { targetKey, minReplicas } = autoscalerOf(change.after);
    this.autoscalers.set(targetKey, minReplicas);
    this.scheduleAutoscaling(targetKey, now);
  }

  private scheduleAutoscaling(targetKey: string, now: number): void {
    const minReplicas = this.autoscalers.get(targetKey);
    const workload = this.workloads.get(targetKey);
    if (minReplicas === undefined || !workload) return;
    const at = now + HPA_SYNC_SECONDS;
    this.events.at(at, () => {
      if (this.workloads.get(targetKey) !== workload || this.autoscalers.get(targetKey) !== minReplicas || minReplicas <= replicasOf(workload)) return;
      workload.autoscaled = minReplicas;
      this.reconcile(workload, at);
    });
  }

  private newWorkload(info: Workload['info']): Workload {
    const workload: Workload = { key: info.key, info, settings: podSettings(podTemplateOf(info.object), this.timings), revision: 0, pods: [], goneAt: -Infinity };
    this.workloads.set(info.key, workload);
    return workload;
  }

  private updateWorkload(key: string, info: Workload['info'] | undefined, now: number): void {
    const existing = this.workloads.get(key);
    if (!info) {
      for (const pod of existing?.pods ?? []) this.deletePod(pod, now);
      this.workloads.delete(key);
      return;
    }
    if (existing && !sameTemplate(existing.info, info)) {
      existing.revision++;
      existing.settings = podSettings(podTemplateOf(info.object), this.timings);
    }
    if (existing) existing.info = info;
    this.reconcile(existing ?? this.newWorkload(info), now);
  }

  private reconcile(workload: Workload, now: number): void {
    const { create, remove } = reconcile(workload, now);
    for (const pod of remove) this.deletePod(pod, now);
    if (remove.length > 0 && deploymentOf(workload.info.object).strategyType === 'Recreate') {
      this.events.at(workload.goneAt, () => this.workloads.get(workload.key) === workload && this.reconcile(workload, workload.goneAt));
    }
    for (let i = 0; i < create; i++) {
      const running = now + this.schedule.podStart();
      const accepts = running + this.schedule.appStart();
      const pod = this.newPod(workload, accepts, readyTime(workload.settings, running, accepts));
      this.events.at(pod.readyAt, () => this.podReady(pod));
    }    // The controller's next sync sees the deletions and may surge again.
    if (remove.length > 0) this.reconcile(workload, now);
  }

  private newPod(workload: Workload, acceptsAt: number, readyAt: number): Pod {
    const pod: Pod = {
      id: this.nextPodId++, workload: workload.key, revision: workload.revision, namespace: workload.info.namespace,
      labels: workload.info.podLabels, settings: workload.settings, acceptsAt, readyAt,
      deletedAt: Infinity, closeRaceEndsAt: Infinity, sigtermAt: Infinity, sidecarExitAt: Infinity, appExitAt: Infinity, goneAt: Infinity,
      configChangedAt: Infinity,
    };
    workload.pods.push(pod);
    return pod;
  }

  private podReady(pod: Pod): void {
    if (pod.deletedAt <= pod.readyAt) return; // deleted before it became ready: never an endpoint
    this.sendEndpoint(pod, true, pod.readyAt);
    const workload = this.workloads.get(pod.workload);
    if (workload) this.reconcile(workload, pod.readyAt);
    this.checkRollout(pod.readyAt);
  }

  private deletePod(pod: Pod, now: number): void {
    const workload = this.workloads.get(pod.workload);
    if (workload) {
      workload.pods = workload.pods.filter((p) => p !== pod);
    }
    terminate(pod, now, this.timings);
    if (workload) workload.goneAt = Math.max(workload.goneAt, pod.goneAt);
    // Kubernetes takes a terminating pod out of the ready endpoints at once; proxies learn it later.
    if (pod.readyAt <= now) this.sendEndpoint(pod, false, now);
  }

  private sendEndpoint(pod: Pod, ready: boolean, now: number): void {
    for (const proxy of this.allProxies()) {
      const at = proxy.receiveTime(`pod/${pod.id}`, now + this.schedule.endpointDelay());
      this.events.at(at, () => proxy.receiveEndpoint(pod, ready));
    }
  }

  /**
   * Whether a `host|subset` destination can take traffic now and through the phase being entered: the phase being
   * left defines the subset, a workload it selects has a ready pod, and none of them is being replaced (removed,
   * or rolling to a new pod template).
   */
  private servable(from: PhaseState, to: PhaseState, key: string, namespace: string, now: number): boolean {
    const [host, subsetName] = key.split('|');
    const destination = { host, namespace, subset: subsetName === '' ? undefined : subsetName };
    // No Service selector, or a subset the phase does not define: nothing can take the traffic.
    const selected = backendsOf(destination, from.services.get(host), subsetFor(from, destination), from) ?? [];
    const stable = selected.every((info) => {
      const next = to.deployments.get(info.key);
      const workload = this.workloads.get(info.key);
      return next !== undefined && sameTemplate(info, next) && workload?.pods.every((pod) => pod.revision === workload.revision);
    });
    return stable && selected.some((info) => this.workloads.get(info.key)?.pods.some((pod) => pod.readyAt <= now));
  }

  private allProxies(): ProxyView[] {
    return [this.proxies.sidecar, this.proxies.gateway];
  }

  private result(): SimulationResult {
    const phases = this.windows.map((w, i) => ({
      phase: this.states[i].label, startSeconds: w.start, endSeconds: w.end, requests: w.requests, codes: Object.fromEntries(w.codes),
    }));
    const total = sumTraffic(phases);
    return { phases, total, failed: total.requests - (total.codes[OK] ?? 0), ...(this.stopped ? { stopped: this.stopped } : {}) };
  }
}

/** Adds up traffic counts (of phases, or of runs). */
export function sumTraffic(counts: readonly TrafficCounts[]): TrafficCounts {
  const codes: Record<string, number> = {};
  for (const c of counts) for (const [code, n] of Object.entries(c.codes)) codes[code] = (codes[code] ?? 0) + n;
  return { requests: counts.reduce((sum, c) => sum + c.requests, 0), codes };
}

function outcomeCode(outcome: ReturnType<typeof answer>): typeof OK | FailureCode {
  return outcome === 'ok' ? OK : outcome === 'UC' ? '503 UC' : '503 UF';
}

/** What the client calls in a phase: every Service through the sidecar, every gateway-bound route through the gateway. */
function targetsOf(state: PhaseState): Target[] {
  const virtualServices = state.phase.objects.filter((o) => o.kind === 'VirtualService').map(routingRulesOf);
  const meshByHost = meshVirtualServicesByHost(virtualServices);
  const targets = new Map<string, Target>();
  for (const host of state.services.keys()) {
    const vs = meshByHost.get(host);
    const path = vs ? pathOf(vs) : '/';
    targets.set(`sidecar ${host}${path}`, { key: `sidecar ${host}${path}`, via: 'sidecar', host, path });
  }
  for (const vs of virtualServices) {
    const host = vs.view.hosts[0];
    if (boundGateways(vs).length === 0 || host === undefined) continue;
    const key = `gateway ${host}${pathOf(vs)}`;
    targets.set(key, { key, via: 'gateway', host, path: pathOf(vs) });
  }
  return [...targets.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * When the adversary lets proxies learn a config change. A route change that starts sending traffic somewhere
 * that cannot serve it (yet, or through the phase) arrives early (before the subset or ready pods it needs,
 * during a rolling update); one that stops sending traffic somewhere arrives late (after the subset or pods are
 * gone). DestinationRules that add subsets, new Services and new Gateways arrive late; every other change
 * (removals) arrives early.
 */
function exposureOf(change: Change, servable: (key: string, namespace: string) => boolean): Exposure {
  const { before, after } = change;
  const object = after ?? before!;
  if (object.kind === 'VirtualService') {
    const [was, will] = [routedKeys(before && routingRulesOf(before)), routedKeys(after && routingRulesOf(after))];
    const starts = [...will].filter((key) => !was.has(key));
    if (starts.some((key) => !servable(key, namespaceOf(object)))) return 'early';
    return [...was].some((key) => !will.has(key)) ? 'late' : 'early';
  }
  if (object.kind === 'DestinationRule') {
    const names = (o?: KubeObject) => new Set((o ? destinationRuleOf(o).subsets : []).map((s) => s.name));
    const old = names(before);
    return after && [...names(after)].some((name) => !old.has(name)) ? 'late' : 'early';
  }
  return before ? 'early' : 'late';
}

