/**
 * What Kubernetes' autoscaling/v2 validation checks beyond the fields' types (which ./kubernetes checks):
 * a metric of each type names its own source and a target that source allows, and the behavior's policies
 * are within the API server's bounds; and the defaults of an autoscaler. A matrix refused here would
 * otherwise be refused by the API server in the middle of a release.
 */
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules, MetricSpec, MetricTarget } from '../../imports/k8s-workload';
import type { InputProblem } from './schema-support';

/** The metric of an autoscaler that gives none: CPU utilization of 80% of the requested CPU (the HPA walkthrough's example). */
export const DEFAULT_METRICS: readonly MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

type Segments = readonly (string | number)[];

/** Each metric type, the field holding its source, and the target types it allows (Kubernetes' validateMetricSpec). */
const METRIC_SOURCES = {
  Resource: { field: 'resource', targets: ['Utilization', 'AverageValue'] },
  ContainerResource: { field: 'containerResource', targets: ['Utilization', 'AverageValue'] },
  Pods: { field: 'pods', targets: ['AverageValue'] },
  Object: { field: 'object', targets: ['Value', 'AverageValue'] },
  External: { field: 'external', targets: ['Value', 'AverageValue'] },
} as const satisfies Record<string, { field: keyof MetricSpec; targets: readonly MetricTarget['type'][] }>;

/**
 * A resource name (`cpu`, `memory`, `example.com/gpu`): Kubernetes' qualified name. Metric names are left to
 * the metrics API, but kept to names a metrics adapter can serve, so that no text can leave its field.
 */
const RESOURCE_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]{0,252}$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Bounds far above real use (a utilization of 100 times the request, a step of 10,000 pods or percent). */
const MAX_UTILIZATION_PERCENT = 10_000;
const MAX_POLICY_VALUE = 10_000;

/** The field of each target type that gives its value. */
const TARGET_VALUES = { Utilization: 'averageUtilization', Value: 'value', AverageValue: 'averageValue' } as const;

const SOURCE_FIELDS = Object.values(METRIC_SOURCES).map((s) => s.field);

/** Whether a quantity (a number or a quantity string) is above zero. */
function positive(quantity: unknown): boolean {
  return (typeof quantity === 'number' ? quantity : Number.parseFloat(String(quantity))) > 0;
}

/** What autoscaling/v2 refuses in metrics that have the right field types. */
export function metricProblems(metrics: readonly MetricSpec[], at: Segments): InputProblem[] {
  const problems: InputProblem[] = [];
  metrics.forEach((metric, index) => {
    const here = [...at, index];
    const source = Object.hasOwn(METRIC_SOURCES, metric.type) ? METRIC_SOURCES[metric.type as keyof typeof METRIC_SOURCES] : undefined;
    if (!source) {
      problems.push({ segments: [...here, 'type'], message: `${JSON.stringify(metric.type)} is not a metric type (${Object.keys(METRIC_SOURCES).join(', ')})` });
      return;
    }
    for (const field of SOURCE_FIELDS) {
      if (field !== source.field && metric[field] !== undefined) {
        problems.push({ segments: [...here, field], message: `is not the source of a ${metric.type} metric (give ${source.field} only)` });
      }
    }
    const given = metric[source.field] as { readonly target?: MetricTarget } | undefined;
    if (given === undefined) {
      problems.push({ segments: [...here, source.field], message: `required field is missing (a ${metric.type} metric gives its source here)` });
      return;
    }
    const sourceAt = [...here, source.field];
    const named = given as { readonly name?: string; readonly container?: string; readonly metric?: { readonly name?: string } };
    const pattern = (field: string, value: string | undefined, regex: RegExp, valid: string, at = [...sourceAt, field]) => {
      if (value !== undefined && !regex.test(value)) problems.push({ segments: at, message: `${JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)} is not ${valid}` });
    };
    pattern('name', named.name, RESOURCE_NAME, 'a resource name (e.g. cpu, memory, example.com/gpu)');
    pattern('container', named.container, CONTAINER_NAME, 'a container name (a DNS-1123 label)');
    pattern('name', named.metric?.name, METRIC_NAME, 'a metric name (letters, digits, _ : . -, at most 253 characters)', [...sourceAt, 'metric', 'name']);
    const target = given.target!;
    const targetAt = [...sourceAt, 'target'];
    if (!(source.targets as readonly string[]).includes(target.type)) {
      problems.push({ segments: [...targetAt, 'type'], message: `${JSON.stringify(target.type)} is not a target of a ${metric.type} metric (${source.targets.join(', ')})` });
      return;
    }
    const valueField = TARGET_VALUES[target.type as keyof typeof TARGET_VALUES];
    const value = target[valueField];
    if (value === undefined || (valueField === 'averageUtilization' ? (value as number) < 1 : !positive(value))) {
      problems.push({ segments: [...targetAt, valueField], message: `${value === undefined ? 'required field is missing' : `${JSON.stringify(value)} is not above 0`} (a ${target.type} target needs ${valueField} above 0)` });
    } else if (valueField === 'averageUtilization' && (value as number) > MAX_UTILIZATION_PERCENT) {
      problems.push({ segments: [...targetAt, valueField], message: `${value} is not a percentage from 1 to ${MAX_UTILIZATION_PERCENT}` });
    }
    for (const other of Object.values(TARGET_VALUES)) {
      if (other !== valueField && target[other] !== undefined) problems.push({ segments: [...targetAt, other], message: `is not the value of a ${target.type} target (give ${valueField} only)` });
    }
  });
  return problems;
}

/** Kubernetes' bounds of scaling rules (validateScalingRules). */
const MAX_STABILIZATION_SECONDS = 3600;
const MAX_POLICY_PERIOD_SECONDS = 1800;
const POLICY_TYPES = ['Pods', 'Percent'];
const SELECT_POLICIES = ['Max', 'Min', 'Disabled'];

/** What autoscaling/v2 refuses in a behavior that has the right field types. */
export function behaviorProblems(behavior: HorizontalPodAutoscalerBehavior, at: Segments): InputProblem[] {
  const problems: InputProblem[] = [];
  const rules = (direction: 'scaleUp' | 'scaleDown', rule: HPAScalingRules | undefined) => {
    if (rule === undefined) return;
    const here = [...at, direction];
    const window = rule.stabilizationWindowSeconds;
    if (window !== undefined && (window < 0 || window > MAX_STABILIZATION_SECONDS)) {
      problems.push({ segments: [...here, 'stabilizationWindowSeconds'], message: `${window} is not an integer from 0 to ${MAX_STABILIZATION_SECONDS}` });
    }
    if (rule.selectPolicy !== undefined && !SELECT_POLICIES.includes(rule.selectPolicy)) {
      problems.push({ segments: [...here, 'selectPolicy'], message: `${JSON.stringify(rule.selectPolicy)} is not a select policy (${SELECT_POLICIES.join(', ')})` });
    }
    if (rule.policies !== undefined && rule.policies.length === 0) {
      problems.push({ segments: [...here, 'policies'], message: 'expected at least one policy (leave policies out for Kubernetes\' defaults)' });
    }
    (rule.policies ?? []).forEach((policy, index) => {
      const policyAt = [...here, 'policies', index];
      if (!POLICY_TYPES.includes(policy.type)) problems.push({ segments: [...policyAt, 'type'], message: `${JSON.stringify(policy.type)} is not a policy type (${POLICY_TYPES.join(', ')})` });
      if (policy.value < 1 || policy.value > MAX_POLICY_VALUE) problems.push({ segments: [...policyAt, 'value'], message: `${policy.value} is not an integer from 1 to ${MAX_POLICY_VALUE}` });
      if (policy.periodSeconds < 1 || policy.periodSeconds > MAX_POLICY_PERIOD_SECONDS) {
        problems.push({ segments: [...policyAt, 'periodSeconds'], message: `${policy.periodSeconds} is not an integer from 1 to ${MAX_POLICY_PERIOD_SECONDS}` });
      }
    });
  };
  rules('scaleUp', behavior.scaleUp);
  rules('scaleDown', behavior.scaleDown);
  return problems;
}
