/** `phased-rollout simulate`: a deterministic traffic simulation of applying a release phase by phase. */
export { simulateRelease, sumTraffic } from './simulate';
export type { PhaseTraffic, SimulationOptions, SimulationResult, TrafficCounts } from './simulate';
export { DEFAULT_TIMINGS } from './timings';
export type { DelayRange, SimulationTimings } from './timings';
export { SCHEDULES } from './schedule';
export type { ScheduleKind } from './schedule';
