/**
 * destinationrule.PodNotSelectedAnalyzer: a DestinationRule's host must be in the registry, and each of its
 * subsets must select at least one pod (a route to an empty subset fails with 503 UH).
 */
import { Analyzer } from '../analyzer';
import { lookupHost, serviceRegistry } from '../hosts';
import { DestinationRuleSubsetNotSelectPods, report, UnknownDestinationRuleHost } from '../messages';
import { AnalysisContext, selectorMatches, Workload, writtenNamespace } from '../model';
import { destinationRuleSpec, Labels, labelsOf } from '../resources';

/**
 * Node labels that Istio's service registry copies onto endpoints (its AugmentLabels), so subsets may select
 * by them; an empty value is no locality and is not copied. Every other node label stays on the node.
 */
const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export const podNotSelectedAnalyzer: Analyzer = {
  name: 'destinationrule.PodNotSelectedAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  kinds: ['DestinationRule', 'Pod', 'Deployment', 'Service', 'ServiceEntry', 'Node'],
  analyze(context) {
    const registry = serviceRegistry(context);
    const endpointLabels = context.workloads.map((workload) => withNodeTopology(workload, context));
    return context.ofKind('DestinationRule').flatMap((rule) => {
      const spec = destinationRuleSpec(rule);
      const entry = lookupHost(registry, writtenNamespace(rule), spec.exportTo, spec.host);
      if (entry === undefined) return [report(UnknownDestinationRuleHost, rule, spec.host)];
      // Subsets are keyed by name: a duplicated name is one subset, its last definition.
      const subsets = new Map(spec.subsets.map((subset) => [subset.name, { ...entry.workloadLabels, ...subset.labels }]));
      return [...subsets].filter(([, selector]) => !endpointLabels.some((labels) => selectorMatches(selector, labels)))
        .map(([name]) => report(DestinationRuleSubsetNotSelectPods, rule, name));
    });
  },
};

/**
 * A workload's labels plus the topology labels of its node and the node name as `kubernetes.io/hostname`, as
 * the registry gives them to endpoints; a pod on a node the input does not hold gets none of them.
 */
function withNodeTopology(workload: Workload, context: AnalysisContext): Labels {
  if (workload.nodeName === undefined) return workload.labels;
  const node = context.find('Node', '', workload.nodeName);
  if (node === undefined) return workload.labels;
  const nodeLabels = labelsOf(node);
  const topology = Object.fromEntries(TOPOLOGY_LABELS.filter((key) => (nodeLabels[key] ?? '') !== '').map((key) => [key, nodeLabels[key]]));
  return { ...workload.labels, ...topology, [HOSTNAME_LABEL]: workload.nodeName };
}
