/**
 * The timing model of the simulation: every delay a release depends on, with its default and where the
 * default comes from. Delays that vary are ranges; the random schedule draws from them, the adversarial
 * schedule picks whichever bound exposes an unsafe window (config pushes it wants late have no bound at all).
 */

/** A delay that varies: random draws are `min` plus an exponential tail with mean `mean`, capped at `max`. */
export interface DelayRange {
  /** Shortest delay, in seconds. */
  readonly min: number;
  /** Mean of the random draws, in seconds (between min and max). */
  readonly mean: number;
  /** Longest delay, in seconds: the bound random draws stay under (and the adversarial schedule's "late", except for config pushes, which it delays without bound). */
  readonly max: number;
}

/** Every timing of the model (seconds). Pod settings that the Deployment states (probes, preStop, grace) are read from it. */
export interface SimulationTimings {
  /**
   * Time the API server takes per object of a phase (kubectl apply sends one request per object).
   * @default 0.05 — tens of milliseconds per server-side apply request (model assumption).
   */
  readonly apiRequestSeconds: number;
  /**
   * istiod pushing a changed VirtualService, DestinationRule, Service or Gateway to one proxy.
   * @default { min: 0.1, mean: 0.5, max: 10 } — istiod debounces config events: it pushes after 100 ms
   * without further events (PILOT_DEBOUNCE_AFTER) and at the latest after 10 s (PILOT_DEBOUNCE_MAX),
   * Istio pilot-discovery environment variables; sub-second pushes in a small mesh (assumption).
   */
  readonly configPush: DelayRange;
  /**
   * A pod's endpoint becoming ready or terminating, until one proxy knows it (EndpointSlice controller,
   * istiod, incremental EDS push).
   * @default { min: 0.1, mean: 0.3, max: 4 } — the EndpointSlice controller does not batch by default
   * (`--endpointslice-updates-batch-period` 0) and istiod pushes after its 100 ms debounce; the 4 s bound is
   * a model assumption, below the 5 s propagation gate that follows a rollout (plans rely on it).
   */
  readonly endpointPush: DelayRange;
  /**
   * From pod creation until its containers run (scheduling, image present, sidecar started first).
   * @default { min: 1, mean: 2, max: 5 } — Kubernetes' pod startup latency SLO: 99th percentile <= 5 s for
   * stateless pods, excluding image pulls (Kubernetes scalability SLOs).
   */
  readonly podStart: DelayRange;
  /**
   * From container start until the app accepts connections.
   * @default { min: 3, mean: 5, max: 8 } — the article's readiness `initialDelaySeconds: 10` was chosen
   * above the coffee-shop app's start-up (assumption: a few seconds).
   */
  readonly appStart: DelayRange;
  /**
   * From SIGTERM until the app has exited (it stops accepting connections at SIGTERM).
   * @default 1 — a graceful shutdown of an idle server (assumption); the grace period caps it.
   */
  readonly appShutdownSeconds: number;
  /**
   * How long the sidecar keeps serving after SIGTERM when the pod template does not set
   * `terminationDrainDuration` in its `proxy.istio.io/config` annotation.
   * @default 5 — Istio ProxyConfig `terminationDrainDuration` default.
   */
  readonly sidecarDrainSeconds: number;
  /**
   * When a pod is deleted, its sidecar receives SIGTERM at once (only the app container has the preStop
   * hook) and closes its keep-alive connections: requests a proxy sends to the pod within this window,
   * before it learns that the endpoint is gone, fail with 503 UC whatever the preStop sleep.
   * @default 0.24 — calibrated to the article's in-place rolling update, which lost 40 of 10,000 requests
   * (500 qps, 20 s): about one of the three old pods is deleted within those 20 s while it receives a third
   * of the traffic, and 40 / (500 / 3) = 0.24 s.
   */
  readonly keepAliveCloseRaceSeconds: number;
  /**
   * Grace period of a pod whose template does not set `terminationGracePeriodSeconds`.
   * @default 30 — Kubernetes' default.
   */
  readonly defaultGracePeriodSeconds: number;
  /**
   * Readiness probe period when a probe does not set `periodSeconds`.
   * @default 10 — Kubernetes' default.
   */
  readonly defaultProbePeriodSeconds: number;
}

/** The defaults of {@link SimulationTimings}. */
export const DEFAULT_TIMINGS: SimulationTimings = {
  apiRequestSeconds: 0.05,
  configPush: { min: 0.1, mean: 0.5, max: 10 },
  endpointPush: { min: 0.1, mean: 0.3, max: 4 },
  podStart: { min: 1, mean: 2, max: 5 },
  appStart: { min: 3, mean: 5, max: 8 },
  appShutdownSeconds: 1,
  sidecarDrainSeconds: 5,
  keepAliveCloseRaceSeconds: 0.24,
  defaultGracePeriodSeconds: 30,
  defaultProbePeriodSeconds: 10,
};
