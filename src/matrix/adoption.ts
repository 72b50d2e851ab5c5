/**
 * The running objects of a service to adopt (`adopt.objects` of a release entry): checked for what the
 * adoption phases rely on, and normalized to the objects the phase folders hold while they still run.
 */
import { DNS1123_LABEL, isMapping, KubeObject, Labels, resourceName, selectorMatches } from '../manifest';
import { ADOPTED_ANNOTATION, fieldProblem, podLabelsOf } from '../model';
import { Service } from './model';
import { deploymentName, versionLabels } from './naming';

type Segments = readonly (string | number)[];

/** Metadata the API server sets, and kubectl apply's record of the last applied object: not part of the desired state. */
const SERVER_SET_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** The object as the phase folders hold it: apiVersion, kind, name, namespace, labels, annotations and spec. */
function normalized(object: Readonly<Record<string, unknown>>, namespace: string): KubeObject {
  const metadata = object.metadata as Record<string, unknown>;
  const annotations = isMapping(metadata.annotations)
    ? Object.fromEntries(Object.entries(metadata.annotations).filter(([key]) => !SERVER_SET_ANNOTATIONS.includes(key)))
    : {};
  return {
    apiVersion: object.apiVersion as string,
    kind: object.kind as string,
    metadata: {
      name: metadata.name as string,
      namespace,
      ...(isMapping(metadata.labels) ? { labels: metadata.labels as Labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations: annotations as Labels } : {}),
    },
    spec: object.spec,
  };
}

/** The selector's matchLabels of a Deployment (what kubectl refuses to change). */
function matchLabelsOf(deployment: KubeObject): Labels | undefined {
  const spec = deployment.spec as Record<string, unknown> | undefined;
  const selector = spec?.selector;
  return isMapping(selector) && isMapping(selector.matchLabels) ? selector.matchLabels as Labels : undefined;
}

/**
 * The objects to adopt, normalized, or undefined after reporting what makes them unusable. `objects` passed
 * the schema (apiVersion, kind, metadata and spec are there); `at` is the path of the list.
 */
export function adoptedObjects(objects: readonly Readonly<Record<string, unknown>>[], service: Service, version: string, namespace: string,
  at: Segments, report: (segments: Segments, message: string) => void): KubeObject[] | undefined {
  let usable = true;
  const problem = (index: number | undefined, message: string) => {
    report(index === undefined ? at : [...at, index], message);
    usable = false;
  };
  const adopted = objects.map((object, index) => {
    const metadata = object.metadata as Record<string, unknown>;
    if (typeof metadata.name !== 'string' || !DNS1123_LABEL.test(metadata.name)) {
      problem(index, `metadata.name: expected the object's name (a DNS-1123 name), got ${JSON.stringify(metadata.name) ?? 'nothing'}`);
      return undefined;
    }
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
      problem(index, `metadata.namespace: ${JSON.stringify(metadata.namespace)} is not the environment's namespace "${namespace}" (adopt objects of this namespace only)`);
      return undefined;
    }
    const normal = normalized(object, namespace);
    // Marked as carried over (rolls no pod: the pod template is unchanged), for the rules on how new pods join traffic.
    const result: KubeObject = normal.kind !== 'Deployment' ? normal : {
      ...normal,
      metadata: { ...normal.metadata, annotations: { ...normal.metadata.annotations, [ADOPTED_ANNOTATION]: 'running before adoption, removed by the plan' } },
    };
    const typed = fieldProblem(result);
    if (typed !== undefined) {
      problem(index, `${resourceName(result)}: ${typed}`);
      return undefined;
    }
    if (result.kind !== 'Deployment' && result.metadata.name !== service.name) {
      problem(index, `${resourceName(result)}: a running ${result.kind} is adopted only under the service's name "${service.name}" `
        + '(the phases replace it with theirs; remove one of another name yourself once nothing routes through it)');
    }
    return result;
  });
  if (!usable) return undefined;
  const kept = adopted as KubeObject[];
  const seen = new Set<string>();
  kept.forEach((object, index) => {
    const key = `${object.kind}/${object.metadata.name}`;
    if (seen.has(key)) problem(index, `${resourceName(object)} is listed twice`);
    seen.add(key);
  });
  const deployments = kept.filter((o) => o.kind === 'Deployment');
  if (deployments.length === 0) problem(undefined, 'lists no Deployment (adopting a service moves the pods of its running Deployments)');
  const ours = deploymentName(service.name, version);
  kept.forEach((object, index) => {
    if (object.kind !== 'Deployment') return;
    if (service.versions.has(object.metadata.name)) {
      problem(index, `${resourceName(object)}: its name is also a version of ${service.name}, and both would name a DestinationRule subset (rename the version)`);
    }
    if (Object.keys(podLabelsOf(object)).length === 0) problem(index, `${resourceName(object)}: its pod template has no labels, so no subset can select its pods`);
    if (object.metadata.name !== ours) return;
    // kubectl cannot change a Deployment's selector: ours must be the one the running Deployment has.
    const selector = matchLabelsOf(object);
    const wanted = versionLabels(service.name, version);
    if (!selector || !selectorMatches(selector, wanted) || !selectorMatches(wanted, selector)) {
      problem(index, `${resourceName(object)} has the name of version ${version}'s Deployment but the selector ${JSON.stringify(selector ?? {})}, `
        + `which kubectl cannot change to ${JSON.stringify(wanted)} (declare the version under another name)`);
    } else if (deployments.length === 1) {
      problem(index, `${resourceName(object)} is the only running Deployment and has the name of version ${version}'s Deployment: `
        + 'nothing could carry the traffic while it is replaced (declare the version under another name)');
    }
  });
  return usable ? kept : undefined;
}
