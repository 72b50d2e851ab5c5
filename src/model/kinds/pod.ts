/** Pods, ServiceEntries and Nodes: read by the analyzers only (istioctl's view of a cluster's objects). */
import { KubeObject } from '../../manifest';
import { KindModel } from '../kind';
import { Labels, listOf, optionalNumber, optionalString, raw, specOf, stringMap, stringsOf } from '../metadata';

export const POD: KindModel = { kind: 'Pod', group: '', fields: {} };
export const NODE: KindModel = { kind: 'Node', group: '', fields: {} };
export const SERVICE_ENTRY: KindModel = { kind: 'ServiceEntry', group: 'networking.istio.io', fields: {} };

/** The node a Pod is scheduled on, when it says so. */
export function nodeNameOf(pod: KubeObject): string | undefined {
  return optionalString(specOf(pod)?.nodeName);
}

/** What the project reads of a ServiceEntry. */
export interface ServiceEntryView {
  /** Hosts the entry adds to the registry. */
  readonly hosts: readonly string[];
  /** Namespaces the entry is visible to (empty means all). */
  readonly exportTo: readonly string[];
  /** Port numbers of the entry. */
  readonly ports: readonly number[];
  /** Labels of the workloads behind the entry, when it selects any. */
  readonly workloadLabels: Labels;
}

/** The ServiceEntry view of an object. */
export function serviceEntryOf(object: KubeObject): ServiceEntryView {
  const spec = specOf(object);
  return {
    hosts: stringsOf(spec?.hosts),
    exportTo: stringsOf(spec?.exportTo),
    ports: listOf(spec?.ports).map((port) => optionalNumber(raw(port)?.number)).filter((port): port is number => port !== undefined),
    workloadLabels: stringMap(raw(spec?.workloadSelector)?.labels),
  };
}
