/**
 * Configuration as part of a version: each version's ConfigMaps under names of their own
 * (`<service>-<version>-<name>`), immutable, and the version's pod spec reading them. A changed configuration is
 * then a new version, released with the same phases as a changed image, never an edit under running pods.
 */
import { Construct } from 'constructs';
import { k8s } from './k8s';
import type { Container, PodSpec } from '../../imports/k8s-workload';
import { Environment, Service } from '../matrix/model';
import { configMapName } from '../matrix/naming';
import { renameConfigurationReferences } from '../model';
import { MANAGED_BY, versionLabels } from './labels';

/** Properties of {@link VersionConfiguration}. */
export interface VersionConfigurationProps {
  /** The service. */
  readonly service: Service;
  /** The version (a key of service.versions). */
  readonly version: string;
  /** The environment (namespace). */
  readonly environment: Environment;
}

/** The ConfigMaps of one version, one per ConfigMap the service declares, each immutable. */
export class VersionConfiguration extends Construct {
  /** The ConfigMaps, in declaration order. */
  public readonly configMaps: readonly k8s.KubeConfigMap[];

  constructor(scope: Construct, id: string, props: VersionConfigurationProps) {
    super(scope, id);
    const { service, version, environment } = props;
    this.configMaps = service.configMaps.map((configMap) => new k8s.KubeConfigMap(this, configMap.name, {
      metadata: {
        name: configMapName(service.name, version, configMap.name),
        namespace: environment.namespace,
        labels: { ...versionLabels(service.name, version), ...MANAGED_BY },
      },
      immutable: true,
      data: { ...configMap.data.get(version) },
    }));
  }
}

/**
 * A pod spec (Kubernetes field names) whose references to the service's declared ConfigMaps (volumes, projected
 * sources, env, envFrom, in any container) name the version's own. Other names are left as they are. Pure.
 */
export function versionedConfigMapReferences<T>(podSpec: T, service: Service, version: string): T {
  const declared = new Set(service.configMaps.map((c) => c.name));
  return renameConfigurationReferences(podSpec, 'ConfigMap', (name) => (declared.has(name) ? configMapName(service.name, version, name) : name));
}

/**
 * The version's pod spec with what the matrix says the main container (the first) reads: a read-only volume per
 * ConfigMap or Secret with a mountPath, envFrom for those with asEnv; then every reference to a declared ConfigMap
 * renamed to the version's own.
 */
export function withVersionConfiguration(service: Service, version: string, podSpec: PodSpec): PodSpec {
  const sources = [
    ...service.configMaps.map((c) => ({ volume: `config-${c.name}`, source: { configMap: { name: c.name } }, env: { configMapRef: { name: c.name } }, ...c })),
    ...service.secrets.map((s) => ({ volume: `secret-${s.name}`, source: { secret: { secretName: s.name } }, env: { secretRef: { name: s.name } }, ...s })),
  ];
  if (sources.length === 0) return podSpec;
  const mounted = sources.filter((s) => s.mountPath !== undefined);
  const [main, ...others] = podSpec.containers;
  const envFrom = sources.filter((s) => s.asEnv).map((s) => s.env);
  const container: Container = {
    ...main,
    ...(envFrom.length > 0 ? { envFrom: [...(main.envFrom ?? []), ...envFrom] } : {}),
    volumeMounts: [...(main.volumeMounts ?? []), ...mounted.map((s) => ({ name: s.volume, mountPath: s.mountPath!, readOnly: true }))],
  };
  const spec: PodSpec = {
    ...podSpec,
    containers: [container, ...others],
    volumes: [...(podSpec.volumes ?? []), ...mounted.map((s) => ({ name: s.volume, ...s.source }))],
  };
  return versionedConfigMapReferences(spec, service, version);
}
