/**
 * Rendering: turns one planned phase into the files of its folder, through the cdk8s constructs.
 * One chart per file: `00-environment.k8s.yaml` (Namespace, Gateway) and `<service>.k8s.yaml`.
 */
import { App, Chart, Yaml } from 'cdk8s';
import { EnvironmentBase } from '../constructs/environment-base';
import { ServiceRouting } from '../constructs/service-routing';
import { VersionWorkload } from '../constructs/version-workload';
import { KubeObject } from '../manifest';
import { Environment } from '../matrix/model';
import { Phase, ServiceState } from '../plan/planner';

/** One file of a phase folder. */
export interface RenderedFile {
  /** File name inside the phase folder. */
  readonly name: string;
  /** Objects of the file, in order. */
  readonly objects: readonly KubeObject[];
  /** The file's YAML text. */
  readonly yaml: string;
}

/** True when the environment routes at least one service through its ingress Gateway. */
export function exposesServices(environment: Environment): boolean {
  return environment.ingressHosts.length > 0 && environment.rollouts.some((r) => r.service.ingressPath !== undefined);
}

function renderChart(name: string, build: (chart: Chart) => void): RenderedFile {
  const chart = new Chart(new App(), name);
  build(chart);
  const objects = chart.toJson() as KubeObject[];
  return { name: `${name}.k8s.yaml`, objects, yaml: Yaml.stringify(...objects) };
}

/** The objects of one service in one phase: routing, then one workload per live version. */
export function renderServiceState(environment: Environment, state: ServiceState): RenderedFile {
  const { service } = state.rollout;
  return renderChart(service.name, (chart) => {
    new ServiceRouting(chart, 'Routing', { service, environment, subsets: state.versions, routes: state.routes });
    for (const version of state.versions) new VersionWorkload(chart, version, { service, version, environment });
  });
}

/** The environment-wide objects (the same in every phase). */
export function renderEnvironmentBase(environment: Environment): RenderedFile {
  return renderChart('00-environment', (chart) => {
    new EnvironmentBase(chart, 'Base', { environment, exposesServices: exposesServices(environment) });
  });
}

/** Every file of one phase folder, sorted by name (the order kubectl applies a folder in). */
export function renderPhase(environment: Environment, phase: Phase): RenderedFile[] {
  return [renderEnvironmentBase(environment), ...phase.services.map((s) => renderServiceState(environment, s))]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
