/** Istio DestinationRule. */
import { KubeObject } from '../../manifest';
import { STRINGS } from '../fields';
import { KindModel } from '../kind';
import { Labels, listOf, optionalNumber, optionalString, raw, specOf, stringMap, stringsOf } from '../metadata';

export const DESTINATION_RULE: KindModel = {
  kind: 'DestinationRule',
  group: 'networking.istio.io',
  fields: { spec: { fields: { host: 'string', exportTo: STRINGS, subsets: { list: { fields: { name: 'string', labels: 'labels' } } } } } },
};

/** A named subset of a DestinationRule. */
export interface SubsetView {
  /** Subset name, referenced by routes ('' when missing). */
  readonly name: string;
  /** Labels the subset adds to the Service's selector. */
  readonly labels: Labels;
}

/** What the project reads of a DestinationRule. */
export interface DestinationRuleView {
  /** The host the rule applies to, as written; undefined when missing. */
  readonly host?: string;
  /** Namespaces the rule is visible to, as written (empty means all). */
  readonly exportTo: readonly string[];
  /** The subsets, in order. */
  readonly subsets: readonly SubsetView[];
  /** Ports named in `trafficPolicy.portLevelSettings`, of the rule and of its subsets. */
  readonly policyPorts: readonly number[];
}

/** Adds the ports of a traffic policy's `portLevelSettings` to `ports`. */
function addPolicyPorts(trafficPolicy: unknown, ports: number[]): void {
  for (const setting of listOf(raw(trafficPolicy)?.portLevelSettings)) {
    const port = optionalNumber(raw(raw(setting)?.port)?.number);
    if (port !== undefined) ports.push(port);
  }
}

/** The DestinationRule view of an object. */
export function destinationRuleOf(object: KubeObject): DestinationRuleView {
  const spec = specOf(object);
  const subsets: SubsetView[] = [];
  const policyPorts: number[] = [];
  addPolicyPorts(spec?.trafficPolicy, policyPorts);
  for (const subset of listOf(spec?.subsets)) {
    subsets.push({ name: optionalString(raw(subset)?.name) ?? '', labels: stringMap(raw(subset)?.labels) });
    addPolicyPorts(raw(subset)?.trafficPolicy, policyPorts);
  }
  return { host: optionalString(spec?.host), exportTo: stringsOf(spec?.exportTo), subsets, policyPorts };
}
