/**
 * Message types of the analyzers, defined once: Istio's codes, names, levels and texts
 * (istio/istio pkg/config/analysis/msg/messages.yaml), so that output reads like `istioctl analyze`.
 */
import { KubeObject, resourceName } from '../manifest';

/** Severity of a message, as Istio assigns it. */
export type Level = 'Error' | 'Warning' | 'Info';

/** What an analyzer reports about one resource. */
export interface Diagnostic {
  /** Istio's message code, e.g. `IST0101`. */
  readonly code: string;
  /** Severity of the message type. */
  readonly level: Level;
  /** The resource the message is about: `Kind namespace/name`, or `Kind name` without a namespace. */
  readonly resource: string;
  /** The rendered message text. */
  readonly message: string;
  /**
   * Every object of the list the message names, when that list is longer than {@link LISTED_OBJECTS} (the message
   * names only the first ones). The findings of one conflict share one array: output prints each array once.
   */
  readonly objects?: readonly string[];
}

/** One message type: its identity and how its arguments become text. */
export interface MessageType<Args extends unknown[]> {
  /** Istio's message name, e.g. `ReferencedResourceNotFound`. */
  readonly name: string;
  /** Istio's message code. */
  readonly code: string;
  /** Severity of every message of this type. */
  readonly level: Level;
  /** Renders the text from the message arguments. */
  readonly template: (...args: Args) => string;
}

function define<Args extends unknown[]>(name: string, code: string, level: Level, template: (...args: Args) => string): MessageType<Args> {
  return { name, code, level, template };
}

/** Go's `%q` for a string (close enough for the ASCII text of Kubernetes names). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * How many entries of a list a message names before "and N more": istioctl names them all, so that a host shared
 * by thousands of VirtualServices made every one of their messages list all the others (output quadratic in the input).
 */
export const LISTED_OBJECTS = 10;

/**
 * A list in a message: its first {@link LISTED_OBJECTS} entries joined by `separator`, then `and N more`. `values`
 * may hold only the first entries of a list of `count`.
 */
export function listed(values: readonly (string | number)[], separator: string, count = values.length): string {
  if (count <= LISTED_OBJECTS) return values.join(separator);
  return `${values.slice(0, LISTED_OBJECTS).join(separator)} and ${count - LISTED_OBJECTS} more`;
}

/** Go's `%v` for a slice: `[a b c]`. */
export function goList(values: readonly (string | number)[]): string {
  return `[${values.join(' ')}]`;
}

/** Builds the diagnostic of a message type for a resource. */
export function report<Args extends unknown[]>(type: MessageType<Args>, resource: KubeObject, ...args: Args): Diagnostic {
  return { code: type.code, level: type.level, resource: resourceName(resource), message: type.template(...args) };
}

/**
 * The diagnostic with the whole list of the objects its message names, when the message names only the first ones
 * (of `named` entries: the list's length, unless the message names the list without some of it).
 */
export function listing(diagnostic: Diagnostic, objects: readonly string[], named = objects.length): Diagnostic {
  return named > LISTED_OBJECTS ? { ...diagnostic, objects } : diagnostic;
}

export const ReferencedResourceNotFound = define('ReferencedResourceNotFound', 'IST0101', 'Error',
  (refType: string, refValue: string) => `Referenced ${refType} not found: ${quote(refValue)}`);

export const SchemaValidationError = define('SchemaValidationError', 'IST0106', 'Error',
  (error: string) => `Schema validation error: ${error}`);

export const ConflictingMeshGatewayVirtualServiceHosts = define('ConflictingMeshGatewayVirtualServiceHosts', 'IST0109', 'Error',
  (virtualServices: readonly string[], host: string) => `The VirtualServices ${listed(virtualServices, ',')} associated with mesh gateway define the same host ${host} `
    + 'which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.');

export const VirtualServiceDestinationPortSelectorRequired = define('VirtualServiceDestinationPortSelectorRequired', 'IST0112', 'Error',
  (destinationHost: string, destinationPorts: readonly number[]) => `This VirtualService routes to a service ${quote(destinationHost)} `
    + `that exposes multiple ports [${listed(destinationPorts, ' ')}]. Specifying a port in the destination is required to disambiguate.`);

export const DeploymentAssociatedToMultipleServices = define('DeploymentAssociatedToMultipleServices', 'IST0116', 'Warning',
  (deployment: string, port: number, services: readonly string[]) =>
    `This deployment ${deployment} is associated with multiple services using port ${port} but different protocols: [${listed(services, ' ')}]`);

export const PortNameIsNotUnderNamingConvention = define('PortNameIsNotUnderNamingConvention', 'IST0118', 'Info',
  (portName: string, port: number, targetPort: string) =>
    `Port name ${portName} (port: ${port}, targetPort: ${targetPort}) doesn't follow the naming convention of Istio port.`);

export const VirtualServiceHostNotFoundInGateway = define('VirtualServiceHostNotFoundInGateway', 'IST0132', 'Warning',
  (hosts: readonly string[], virtualService: string, gateway: string) =>
    `one or more host ${goList(hosts)} defined in VirtualService ${virtualService} not found in Gateway ${gateway}.`);

export const DeploymentConflictingPorts = define('DeploymentConflictingPorts', 'IST0137', 'Warning',
  (deployment: string, services: readonly string[], targetPort: string, ports: readonly number[]) =>
    `This deployment ${deployment} is associated with multiple services [${listed(services, ' ')}] using targetPort ${quote(targetPort)} `
    + `but different ports: [${listed(ports, ' ')}].`);

export const IngressRouteRulesNotAffected = define('IngressRouteRulesNotAffected', 'IST0140', 'Warning',
  (virtualServicesWithSubset: readonly string[], virtualService: string) =>
    `Subset in virtual service ${listed(virtualServicesWithSubset, ',')} has no effect on ingress gateway ${virtualService} requests`);

export const ConflictingGateways = define('ConflictingGateways', 'IST0145', 'Error',
  (gateways: readonly string[], gatewayCount: number, selector: string, portNumber: string, hosts: readonly string[]) =>
    `Conflict with gateways ${listed(gateways, ',', gatewayCount)} (workload selector ${selector}, port ${portNumber}, hosts ${hosts.join(',')}).`);

export const ExternalNameServiceTypeInvalidPortName = define('ExternalNameServiceTypeInvalidPortName', 'IST0150', 'Warning',
  () => 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports '
    + 'serving TCP protocol from being forwarded correctly');

export const GatewayPortNotDefinedOnService = define('GatewayPortNotDefinedOnService', 'IST0162', 'Warning',
  (port: number, selector: string) => `The gateway is listening on a target port (port ${port}) that is not defined in the Service `
    + `associated with its workload instances (Pod selector ${selector}). If you need to access the gateway port through the gateway `
    + 'Service, it will not be available.');

export const DestinationRuleSubsetNotSelectPods = define('DestinationRuleSubsetNotSelectPods', 'IST0173', 'Error',
  (subset: string) => `The Subset ${subset} defined in the DestinationRule does not select any pods. `
    + 'Which may lead to 503 UH (NoHealthyUpstream).');

export const UnknownDestinationRuleHost = define('UnknownDestinationRuleHost', 'IST0174', 'Warning',
  (host: string) => `The host ${host} defined in the DestinationRule does not match any services in the mesh.`);
