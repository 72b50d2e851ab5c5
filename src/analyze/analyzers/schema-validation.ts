/**
 * schema.ValidationAnalyzer: the rules istiod's validating webhook applies to VirtualService, DestinationRule
 * and Gateway that matter for routing (istio/istio pkg/config/validation), one message per violation.
 */
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH, KubeObject } from '../../manifest';
import { isMeshBound } from '../../model';
import { Analyzer } from '../analyzer';
import { report, SchemaValidationError } from '../messages';
import { destinationRuleSpec, gatewaySpec, virtualServiceSpec } from '../resources';

export const validationAnalyzer: Analyzer = {
  name: 'schema.ValidationAnalyzer',
  description: "Checks VirtualServices, DestinationRules and Gateways against istiod's validation rules",
  kinds: ['VirtualService', 'DestinationRule', 'Gateway'],
  analyze(context) {
    const invalid = (obj: KubeObject, errors: string[]) => errors.map((error) => report(SchemaValidationError, obj, error));
    return [
      ...context.ofKind('VirtualService').flatMap((vs) => invalid(vs, virtualServiceErrors(vs))),
      ...context.ofKind('DestinationRule').flatMap((rule) => invalid(rule, destinationRuleErrors(rule))),
      ...context.ofKind('Gateway').flatMap((gateway) => invalid(gateway, gatewayErrors(gateway))),
    ];
  },
};

/** Istio's ValidatePort. */
function portErrors(port: number | undefined): string[] {
  return port === undefined || (Number.isInteger(port) && port >= 1 && port <= 65535) ? [] : [`port number ${port} must be in the range 1..65535`];
}

function virtualServiceErrors(vs: KubeObject): string[] {
  const spec = virtualServiceSpec(vs);
  const boundToMesh = isMeshBound(spec);
  const wildcard = boundToMesh && spec.hosts.includes('*') ? ['wildcard host * is not allowed for virtual services bound to the mesh gateway'] : [];
  const routeErrors = spec.routes.flatMap((routes) => {
    const weights = routes.map((route) => route.weight ?? 0);
    // Weights are relative (Istio >= 1.15): only negative weights and an all-zero split are invalid.
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return [
      ...weights.filter((weight) => weight < 0).map((weight) => `weight ${weight} < 0`),
      ...(routes.length > 1 && total === 0 ? ['total destination weight = 0'] : []),
      ...routes.flatMap((route) => portErrors(route.destination?.port)),
    ];
  });
  return [...wildcard, ...routeErrors, ...spec.mirrors.flatMap((mirror) => portErrors(mirror.destination?.port))];
}

function destinationRuleErrors(rule: KubeObject): string[] {
  const spec = destinationRuleSpec(rule);
  const seen = new Set<string>();
  const subsetErrors = spec.subsets.flatMap(({ name }) => {
    const errors = name === '' ? ['subset name cannot be empty']
      : name.length > DNS1123_LABEL_MAX_LENGTH || !DNS1123_LABEL.test(name) ? [`subset name is invalid: ${name}`] : [];
    if (seen.has(name)) errors.push(`duplicate subset names: ${name}`);
    seen.add(name);
    return errors;
  });
  return [...subsetErrors, ...spec.policyPorts.flatMap(portErrors)];
}

function gatewayErrors(gateway: KubeObject): string[] {
  return gatewaySpec(gateway).servers.flatMap((server) => portErrors(server.port));
}
