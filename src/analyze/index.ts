/**
 * `istioctl analyze`-compatible analysis of one state (a set of Kubernetes/Istio objects): a registry of
 * analyzers by Istio's names, and the function that runs them.
 */
import { KubeObject } from '../manifest';
import { DEFAULT_NAMESPACE, withDefaultNamespace } from '../model';
import { Analyzer } from './analyzer';
import { podNotSelectedAnalyzer } from './analyzers/destinationrule-pod-not-selected';
import { serviceAssociationAnalyzer } from './analyzers/deployment-service-association';
import { conflictingGatewayAnalyzer } from './analyzers/gateway-conflicting';
import { ingressGatewayPortAnalyzer } from './analyzers/gateway-ingress-port';
import { validationAnalyzer } from './analyzers/schema-validation';
import { portNameAnalyzer } from './analyzers/service-port-name';
import { conflictingMeshGatewayHostsAnalyzer } from './analyzers/virtualservice-conflicting-mesh-gateway-hosts';
import { destinationHostAnalyzer } from './analyzers/virtualservice-destination-hosts';
import { destinationRuleAnalyzer } from './analyzers/virtualservice-destination-rules';
import { gatewayAnalyzer } from './analyzers/virtualservice-gateways';
import { Diagnostic, Level } from './messages';
import { AnalysisContext } from './model';

export { Analyzer } from './analyzer';
export { Diagnostic, Level, LISTED_OBJECTS } from './messages';

/** One message of one analyzer about one resource. */
export interface Finding extends Omit<Diagnostic, 'objects'> {
  /** Name of the analyzer that reported it. */
  readonly analyzer: string;
  /**
   * Only when the message names just the first `LISTED_OBJECTS` of a longer list of objects: the number of
   * that list in this run (1, 2, ...); the findings of one conflict share the list and its number.
   */
  readonly group?: number;
  /** The whole list of a group, on the first finding of the group only, so that output holds each list once. */
  readonly members?: readonly string[];
}

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /**
   * Names of the analyzers to run.
   * @default every analyzer in ANALYZERS
   */
  readonly analyzers?: readonly string[];
  /**
   * Namespace of the namespaced objects that the input gives none, as `istioctl analyze` gives them its
   * `--namespace`; `undefined` leaves them in none, as Istio's own analyzer tests read their files.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
}

/** Every analyzer, keyed by its name. */
export const ANALYZERS: Readonly<Record<string, Analyzer>> = Object.fromEntries([
  destinationRuleAnalyzer,
  destinationHostAnalyzer,
  gatewayAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  podNotSelectedAnalyzer,
  ingressGatewayPortAnalyzer,
  conflictingGatewayAnalyzer,
  portNameAnalyzer,
  serviceAssociationAnalyzer,
  validationAnalyzer,
].map((analyzer) => [analyzer.name, analyzer]));

/** Names given in `names` that are not analyzers (own keys only: `toString` or `constructor` is no analyzer). */
export function unknownAnalyzers(names: readonly string[]): string[] {
  return names.filter((name) => !Object.hasOwn(ANALYZERS, name));
}

/** Runs the selected analyzers on one state; findings come in analyzer order, then in input order. */
export function analyze(objects: readonly KubeObject[], options: AnalyzeOptions = {}): Finding[] {
  const unknown = unknownAnalyzers(options.analyzers ?? []);
  if (unknown.length > 0) throw new Error(`unknown analyzer ${unknown.join(', ')}`);
  const namespace = 'defaultNamespace' in options ? options.defaultNamespace : DEFAULT_NAMESPACE;
  const context = AnalysisContext.of(namespace === undefined ? objects : withDefaultNamespace(objects, namespace));
  const selected = options.analyzers ? Object.values(ANALYZERS).filter((analyzer) => options.analyzers?.includes(analyzer.name)) : Object.values(ANALYZERS);
  const groups = new Map<readonly string[], number>();
  return selected.flatMap((analyzer) => analyzer.analyze(context).map(({ objects, ...diagnostic }): Finding => {
    if (objects === undefined) return { ...diagnostic, analyzer: analyzer.name };
    const group = groups.get(objects);
    if (group !== undefined) return { ...diagnostic, analyzer: analyzer.name, group };
    groups.set(objects, groups.size + 1);
    return { ...diagnostic, analyzer: analyzer.name, group: groups.size, members: objects };
  }));
}

/** True when a finding should fail a check (Error or Warning; Info is advice). */
export function isProblem(level: Level): boolean {
  return level === 'Error' || level === 'Warning';
}
