/**
 * Rendering: turns planned phases into the files of their folders, through the cdk8s constructs.
 * One file per service (`<service>.k8s.yaml`) plus `00-environment.k8s.yaml` (Namespace, Gateway).
 *
 * Most objects are the same from one phase to the next, so each distinct object (a construct and
 * the props it depends on) is rendered and stringified once per environment and reused: the cost
 * follows the distinct objects, not the number of phases. The output is byte-identical to rendering
 * every phase from scratch (a test compares them).
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentBase } from '../constructs/environment-base';
import { MeshService, TrafficSplit, VersionSubsets } from '../constructs/service-traffic';
import { VersionWorkload } from '../constructs/version-workload';
import { KubeObject } from '../manifest';
import { Environment } from '../matrix/model';
import { Phase, ServiceState } from '../plan/planner';
import { stringifyObject } from './yaml';

/** One file of a phase folder. */
export interface RenderedFile {
  /** File name inside the phase folder. */
  readonly name: string;
  /** Objects of the file, in order. */
  readonly objects: readonly KubeObject[];
  /** The file's YAML text. */
  readonly yaml: string;
}

/** The rendered objects of one construct, with each object's YAML document. */
interface RenderedUnit {
  readonly objects: readonly KubeObject[];
  readonly documents: readonly string[];
}

/** True when the environment routes at least one service through its ingress Gateway. */
export function exposesServices(environment: Environment): boolean {
  return environment.ingressHosts.length > 0 && environment.rollouts.some((r) => r.service.ingressPath !== undefined);
}

/** Renders the phases of one environment, each distinct object once. */
export class EnvironmentRenderer {
  private readonly units = new Map<string, RenderedUnit>();

  constructor(private readonly environment: Environment) {}

  /** Every file of one phase folder, sorted by name (the order kubectl applies a folder in). */
  public renderPhase(phase: Phase): RenderedFile[] {
    const environment = this.environment;
    const base = this.unit('environment', (scope) =>
      new EnvironmentBase(scope, 'Base', { environment, exposesServices: exposesServices(environment) }));
    return [this.file('00-environment', [base]), ...phase.services.map((state) => this.serviceFile(state))]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Routing first (Service, DestinationRule, VirtualServices), then one workload per live version. */
  private serviceFile(state: ServiceState): RenderedFile {
    const { environment } = this;
    const { service } = state.rollout;
    const props = { service, environment };
    const routes = state.routes.map((r) => `${r.version}=${r.weight}`).join(',');
    return this.file(service.name, [
      this.unit(`service/${service.name}`, (scope) => new MeshService(scope, 'Service', props)),
      this.unit(`subsets/${service.name}/${state.versions.join(',')}`, (scope) =>
        new VersionSubsets(scope, 'Subsets', { ...props, versions: state.versions })),
      this.unit(`split/${service.name}/${routes}`, (scope) => new TrafficSplit(scope, 'Split', { ...props, routes: state.routes })),
      ...state.versions.map((version) => this.unit(`workload/${service.name}/${version}`, (scope) =>
        new VersionWorkload(scope, version, { service, version, environment }))),
    ]);
  }

  private file(name: string, units: readonly RenderedUnit[]): RenderedFile {
    return {
      name: `${name}.k8s.yaml`,
      objects: units.flatMap((u) => u.objects),
      // Yaml.stringify(...docs) joins single documents with this separator: the same bytes.
      yaml: units.flatMap((u) => u.documents).join('---\n'),
    };
  }

  private unit(key: string, build: (scope: Construct) => void): RenderedUnit {
    let unit = this.units.get(key);
    if (!unit) {
      const chart = new Chart(new App(), 'unit');
      build(chart);
      const objects = chart.toJson() as KubeObject[];
      unit = { objects, documents: objects.map((o) => stringifyObject(o)) };
      this.units.set(key, unit);
    }
    return unit;
  }
}
