/**
 * Rendering: turns planned phases into the files of their folders, through the cdk8s constructs.
 * One file per service (`<service>.k8s.yaml`) plus `00-environment.k8s.yaml` (Namespace, Gateway).
 *
 * Most objects are the same from one phase to the next, so each distinct object (a construct and
 * the props it depends on) is rendered and stringified once per environment and reused: the cost
 * follows the distinct objects, not the number of phases. The output is byte-identical to rendering
 * every phase from scratch (a test compares them). What a cdk8s app adds (RenderExtensions) is rendered
 * the same way: its environment objects once, its version hook's result once per version.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentBase } from '../constructs/environment-base';
import { MeshService, TrafficSplit, VersionSubsets } from '../constructs/service-traffic';
import { VersionConfiguration } from '../constructs/version-config';
import { VersionWorkload } from '../constructs/version-workload';
import { VersionAutoscaler } from '../constructs/autoscaling';
import { phaseMinReplicas } from '../plan/capacity';
import { KubeObject } from '../manifest';
import { podLabelsOf } from '../model';
import { Environment, isExposed, Service } from '../matrix/model';
import { Phase, ServiceState, WeightedVersion } from '../plan/planner';
import { ScalarMemo, stringifyObject } from './yaml';

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
  return environment.rollouts.some((r) => isExposed(environment, r.service));
}

/** What a traffic hook is told: whose objects it is given. */
export interface ServiceContext {
  /** The environment. */
  readonly environment: Environment;
  /** The service. */
  readonly service: Service;
}

/** What a version hook is told: which workload it is given. */
export interface VersionContext extends ServiceContext {
  /** The version (a key of service.versions). */
  readonly version: string;
}

/** One traffic construct of a service, as a traffic hook is given it. */
export type ServiceTraffic =
  | { readonly kind: 'service'; readonly construct: MeshService }
  | { readonly kind: 'subsets'; readonly construct: VersionSubsets; readonly versions: readonly string[] }
  | { readonly kind: 'split'; readonly construct: TrafficSplit; readonly routes: readonly WeightedVersion[] };

/** What a per-phase version hook is told: the workload, and the phase it is rendered for. */
export interface PhaseVersionContext extends VersionContext {
  /** The phase being rendered (its name is unique in the environment). */
  readonly phase: Phase;
}

/**
 * What a cdk8s app adds to the rendered objects. Hooks run on the constructs before they are rendered,
 * so cdk8s escape hatches (`ApiObject.of(workload.deployment).addJsonPatch(...)`) and child constructs
 * added to the workload end up in the written YAML, which is what the verifier checks.
 */
export interface RenderExtensions {
  /** Builds the app's own objects of an environment into `scope`, called once per environment; they are written to every phase's `00-environment.k8s.yaml`, after the Namespace and Gateway. @default no objects */
  readonly environmentObjects?: (scope: Construct, environment: Environment) => void;
  /** Called on each traffic construct of a service as it is built: the Service once, the DestinationRule once per set of subsets, the VirtualServices once per split; the result is in every phase that has the object. @default no hook */
  readonly onTraffic?: (traffic: ServiceTraffic, context: ServiceContext) => void;
  /** Called on each version's workload, once per environment, service and version (once per phase with onPhaseVersion); the result is in every phase where the version runs. @default no hook */
  readonly onVersion?: (workload: VersionWorkload, context: VersionContext) => void;
  /** Called on each version's workload in each phase, for changes that differ from phase to phase; with it, workloads are rendered once per phase instead of once. @default no hook */
  readonly onPhaseVersion?: (workload: VersionWorkload, context: PhaseVersionContext) => void;
}

/** A construct to render under `key` (the construct and the props it depends on), unless it already was. */
interface UnitRequest {
  readonly key: string;
  readonly build: (scope: Construct) => void;
}

/** Renders the phases of one environment, each distinct object once. */
export class EnvironmentRenderer {
  private readonly units = new Map<string, RenderedUnit>();
  /** Unusual strings already written by cdk8s's stringifier, for this environment's objects. */
  private readonly scalars: ScalarMemo = new Map();
  private readonly files = new Map<string, RenderedFile>();

  constructor(private readonly environment: Environment, private readonly extensions: RenderExtensions = {}) {}

  /** Every file of one phase folder, sorted by name (the order kubectl applies a folder in). */
  public renderPhase(phase: Phase): RenderedFile[] {
    const environment = this.environment;
    const base: UnitRequest = {
      key: 'environment',
      build: (scope) => new EnvironmentBase(scope, 'Base', { environment, exposesServices: exposesServices(environment) }),
    };
    const { environmentObjects } = this.extensions;
    const own: UnitRequest[] = environmentObjects ? [{ key: 'environment/objects', build: (scope) => environmentObjects(scope, environment) }] : [];
    const files = [
      { name: '00-environment', units: [base, ...own] },
      ...phase.services.map((state) => ({ name: state.rollout.service.name, units: this.serviceUnits(phase, state) })).filter((f) => f.units.length > 0),
    ];
    this.renderMissing(files.flatMap((f) => f.units));
    return files.map((f) => this.file(f.name, f.units)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Routing first (Service, DestinationRule, VirtualServices), then one workload per live version; while the
   * service is adopted, the running objects as they run before them. A DestinationRule without subsets and a
   * VirtualService without routes are left out (only adoption phases have them).
   */
  private serviceUnits(phase: Phase, state: ServiceState): UnitRequest[] {
    const { environment } = this;
    const { onTraffic, onVersion, onPhaseVersion } = this.extensions;
    // A per-phase hook may change a workload from one phase to the next: then it is a unit per phase.
    const phaseKey = onPhaseVersion ? `@${phase.name}` : '';
    const { service, autoscaling } = state.rollout;
    const props = { service, environment };
    const minReplicas = autoscaling ? phaseMinReplicas(state, autoscaling) : 0;
    const routes = state.routes.map((r) => `${r.version}=${r.weight}`).join(',');
    const { versions, adopting } = state;
    // A retired service: none of its objects.
    if (versions.length === 0 && adopting === undefined) return [];
    const running = (adopting?.subsets ?? []).map((d) => ({ name: d.metadata.name, labels: podLabelsOf(d) }));
    // The construct is built whether or not there is a hook (`hook?.(arg)` would skip building `arg`).
    const traffic = (built: ServiceTraffic) => onTraffic?.(built, props);
    const subsetsKey = [...running.map((r) => `${r.name}=${JSON.stringify(r.labels)}`), ...versions].join(',');
    return [
      ...(adopting?.running ?? []).map((object): UnitRequest => ({
        key: `running/${service.name}/${object.kind}/${object.metadata.name}`,
        build: (scope) => new ApiObject(scope, `${object.kind}-${object.metadata.name}`, object),
      })),
      { key: `service/${service.name}`, build: (scope) => traffic({ kind: 'service', construct: new MeshService(scope, 'Service', props) }) },
      ...(versions.length + running.length === 0 ? [] : [{
        key: `subsets/${service.name}/${subsetsKey}`,
        build: (scope: Construct) => traffic({ kind: 'subsets', construct: new VersionSubsets(scope, 'Subsets', { ...props, versions, running }), versions }),
      }]),
      ...(state.routes.length === 0 ? [] : [{
        key: `split/${service.name}/${routes}`,
        build: (scope: Construct) => traffic({ kind: 'split', construct: new TrafficSplit(scope, 'Split', { ...props, routes: state.routes }), routes: state.routes }),
      }]),
      ...state.versions.flatMap((version): UnitRequest[] => [{
        key: `workload/${service.name}/${version}${phaseKey}`,
        build: (scope) => {
          // The version's ConfigMaps before its Deployment: they exist when its pods start.
          if (service.configMaps.length > 0) new VersionConfiguration(scope, `Configuration-${version}`, { service, version, environment });
          const workload = new VersionWorkload(scope, version, { service, version, environment, overrides: state.rollout.overrides });
          onVersion?.(workload, { environment, service, version });
          onPhaseVersion?.(workload, { environment, service, version, phase });
        },
      }, ...(autoscaling ? [{
        // Next to its Deployment, in the same file; its own unit, as its minReplicas changes from phase to phase (src/plan/capacity.ts).
        key: `autoscaler/${service.name}/${version}/${minReplicas}`,
        build: (scope: Construct) => new VersionAutoscaler(scope, version, { service, version, environment, autoscaling, minReplicas }),
      }] : [])]),
    ];
  }

  /** A file of the units, the same object for the same units in every phase (most files repeat from phase to phase). */
  private file(name: string, requests: readonly UnitRequest[]): RenderedFile {
    const key = requests.map((r) => r.key).join('\n');
    let file = this.files.get(key);
    if (!file) {
      const units = requests.map((r) => this.units.get(r.key)!);
      file = {
        name: `${name}.k8s.yaml`,
        objects: units.flatMap((u) => u.objects),
        // Yaml.stringify(...docs) joins single documents with this separator: the same bytes.
        yaml: units.flatMap((u) => u.documents).join('---\n'),
      };
      this.files.set(key, file);
    }
    return file;
  }

  /**
   * Renders the requested units that are not rendered yet, all in one chart, each under a scope of its
   * own: cdk8s prepares the whole app on every toJson, so one chart per phase costs far less than one per
   * object. Objects come out in construct order, so each unit's are the next ones in the list.
   */
  private renderMissing(requests: readonly UnitRequest[]): void {
    const chart = new Chart(new App(), 'phase');
    const pending = new Map<string, Construct>();
    for (const { key, build } of requests) {
      if (this.units.has(key) || pending.has(key)) continue;
      const scope = new Construct(chart, `unit${pending.size}`);
      build(scope);
      pending.set(key, scope);
    }
    if (pending.size === 0) return;
    const objects = chart.toJson() as KubeObject[];
    let next = 0;
    for (const [key, scope] of pending) {
      const own = objects.slice(next, (next += scope.node.findAll().filter((c) => ApiObject.isApiObject(c)).length));
      this.units.set(key, { objects: own, documents: own.map((o) => stringifyObject(o, this.scalars)) });
    }
  }
}
