/**
 * Schedules: who decides the order of API requests, the delays of pushes to proxies and how fast pods start.
 * `random` draws from the timing ranges with a seeded generator and models a pipeline whose gates wait their
 * fixed seconds. `adversarial` assumes what Istio documents, that config propagation is eventually consistent
 * with no upper bound: a push that works against safety arrives as late as the plan allows (only a propagation
 * gate, waiting for istiod's `Reconciled` condition, bounds it), every other change at the worst moment its
 * range allows, so that an unsafe transition loses requests in every run.
 */
import { DelayRange, SimulationTimings } from './timings';

/** Schedule names accepted by `--schedule`. */
export const SCHEDULES = ['random', 'adversarial'] as const;

/** How a schedule decides. */
export type ScheduleKind = (typeof SCHEDULES)[number];

/** When the adversary wants a proxy to learn a config change: as soon as possible, or as late as possible. */
export type Exposure = 'early' | 'late';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32): the simulation never calls Math.random. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The decisions a schedule makes during one simulation. */
export interface Schedule {
  /** Uniform number in [0, 1) for choices both schedules make at random (weighted routes). */
  readonly random: () => number;
  /** Order of a phase's API requests; `rank` is the adversarial order (lower first). */
  order<T>(changes: readonly T[], rank: (change: T) => number): T[];
  /**
   * Delay until one proxy receives a config change that the adversary wants exposed early or late; Infinity
   * means as late as the plan allows (the simulation holds the push back until a gate or a later change needs it).
   */
  configDelay(exposure: Exposure): number;
  /** Delay until one proxy learns that an endpoint became ready or is terminating. */
  endpointDelay(): number;
  /** Pod creation until its containers run. */
  podStart(): number;
  /** Container start until the app accepts connections. */
  appStart(): number;
  /**
   * Whether a propagation gate waits until every proxy has its phase's config (istiod's `Reconciled` condition),
   * at least its seconds; otherwise it waits its seconds only (a pipeline without istiod's status).
   */
  readonly gatesWaitForReconciled: boolean;
  /**
   * Whether the last request a proxy sent to each workload of each target is still in flight when the proxy learns a route change
   * that stops traffic somewhere, until the next drain gate ends (or the run does): long requests and streams
   * keep the route they started on, and the drain is the plan's bound on them. Otherwise requests are instant.
   */
  readonly requestsOutlastRouteChanges: boolean;
}

/** A schedule of the given kind over the given timings, seeded. */
export function createSchedule(kind: ScheduleKind, timings: SimulationTimings, seed: number): Schedule {
  const random = seededRandom(seed);
  if (kind === 'adversarial') {
    return {
      random,
      order: (changes, rank) => [...changes].sort((a, b) => rank(a) - rank(b)),
      // Propagation has no upper bound (Istio: eventually consistent); istiod's debounce bounds only how soon.
      configDelay: (exposure) => (exposure === 'early' ? timings.configPush.min : Infinity),
      // Late endpoint news keeps terminating pods routed and new pods unknown for as long as possible.
      endpointDelay: () => timings.endpointPush.max,
      podStart: () => timings.podStart.max,
      appStart: () => timings.appStart.max,
      gatesWaitForReconciled: true,
      requestsOutlastRouteChanges: true,
    };
  }
  const draw = (range: DelayRange) => {
    const tail = -Math.log(1 - random()) * Math.max(0, range.mean - range.min);
    return Math.min(range.max, range.min + tail);
  };
  return {
    random,
    order: (changes) => {
      const shuffled = [...changes];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      return shuffled;
    },
    configDelay: () => draw(timings.configPush),
    endpointDelay: () => draw(timings.endpointPush),
    podStart: () => draw(timings.podStart),
    appStart: () => draw(timings.appStart),
    gatesWaitForReconciled: false,
    requestsOutlastRouteChanges: false,
  };
}
