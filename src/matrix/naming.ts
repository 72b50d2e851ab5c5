/** Names of generated objects, in one place: the planner, the constructs and validation must agree on them. */

/** Deployment (and PodDisruptionBudget) of one version: `<service>-<version>`, the seed article's pattern. */
export function deploymentName(service: string, version: string): string {
  return `${service}-${version}`;
}

/** The ConfigMap `<service>-<version>-<name>` of one version: its own name, so that no running version's changes. */
export function configMapName(service: string, version: string, name: string): string {
  return `${service}-${version}-${name}`;
}

/** Gateway-bound VirtualService of a service. */
export function gatewayVirtualServiceName(service: string): string {
  return `${service}-gateway`;
}

/** The ingress Gateway of an environment. */
export function gatewayName(environment: string): string {
  return `${environment}-gateway`;
}

/** Folder names under dist/ that are not environments. */
export const RESERVED_FOLDER_NAMES: readonly string[] = ['argocd'];

/** Pod labels of one version: what the Service (app) and the DestinationRule subset (version) select. */
export function versionLabels(service: string, version: string): Record<string, string> {
  return { app: service, version };
}
