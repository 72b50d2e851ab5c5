/** virtualservice.DestinationRuleAnalyzer: every subset a route or mirror names must be defined by a DestinationRule. */
import { Analyzer } from '../analyzer';
import { fullNameFromHost, toFqdn } from '../hosts';
import { Diagnostic, ReferencedResourceNotFound, report } from '../messages';
import { writtenNamespace } from '../model';
import { Destination, destinationRuleSpec, virtualServiceSpec } from '../resources';

export const destinationRuleAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  kinds: ['VirtualService', 'DestinationRule'],
  analyze(context) {
    // `namespace/name+subset` for every subset of every DestinationRule.
    const definedSubsets = new Set(context.ofKind('DestinationRule').flatMap((rule) => {
      const spec = destinationRuleSpec(rule);
      const host = fullNameFromHost(writtenNamespace(rule), toFqdn(writtenNamespace(rule), spec.host));
      return spec.subsets.map((subset) => `${host}+${subset.name}`);
    }));
    return context.ofKind('VirtualService').flatMap((vs) => {
      const undefinedSubset = (refType: string, destination: Destination | undefined): Diagnostic[] => {
        if (destination === undefined || destination.subset === '') return [];
        if (definedSubsets.has(`${fullNameFromHost(writtenNamespace(vs), destination.host)}+${destination.subset}`)) return [];
        return [report(ReferencedResourceNotFound, vs, refType, `${destination.host}+${destination.subset}`)];
      };
      const spec = virtualServiceSpec(vs);
      return [
        ...spec.routes.flat().flatMap((route) => undefinedSubset('host+subset in destinationrule', route.destination)),
        ...spec.mirrors.flatMap((mirror) => undefinedSubset('mirror+subset in destinationrule', mirror.destination)),
      ];
    });
  },
};
