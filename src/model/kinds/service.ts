/** Kubernetes Service. */
import { KubeObject } from '../../manifest';
import { KindModel } from '../kind';
import { Labels, listOf, optionalNumber, optionalString, raw, specOf, stringMap } from '../metadata';

export const SERVICE: KindModel = { kind: 'Service', group: '', fields: { spec: { fields: { selector: 'labels' } } } };

/** One port of a Service. */
export interface ServicePort {
  /** Port name; empty when unnamed. */
  readonly name: string;
  /** The service port number (0 when missing). */
  readonly port: number;
  /** The pod port, a number or a container port name; undefined when not given. */
  readonly targetPort?: number | string;
  /** Transport protocol; Kubernetes defaults it to TCP. */
  readonly protocol: string;
  /** Application protocol, when given. */
  readonly appProtocol?: string;
}

/** What the project reads of a Service. */
export interface ServiceView {
  /** Service type (ClusterIP, ExternalName, ...); empty when not given. */
  readonly type: string;
  /** Pod selector; empty when the Service selects no pods itself (endpoints managed elsewhere). */
  readonly selector: Labels;
  /** The service ports. */
  readonly ports: readonly ServicePort[];
}

/** The pod selector of a Service (empty when it selects no pods itself). */
export function selectorOf(service: KubeObject): Labels {
  return stringMap(specOf(service)?.selector);
}

/** The pod ports a Service sends to: each port's targetPort, else its port (Kubernetes' default). Reads only these fields. */
export function targetPortsOf(service: KubeObject): (number | string)[] {
  return listOf(specOf(service)?.ports).map((port) => {
    const { targetPort, port: number } = raw(port) ?? {};
    return typeof targetPort === 'number' || typeof targetPort === 'string' ? targetPort : optionalNumber(number) ?? 0;
  });
}

/** The Service view of an object. */
export function serviceOf(object: KubeObject): ServiceView {
  const spec = specOf(object);
  return {
    type: optionalString(spec?.type) ?? '',
    selector: selectorOf(object),
    ports: listOf(spec?.ports).map((port) => {
      const targetPort = raw(port)?.targetPort;
      return {
        name: optionalString(raw(port)?.name) ?? '',
        port: optionalNumber(raw(port)?.port) ?? 0,
        targetPort: typeof targetPort === 'number' || typeof targetPort === 'string' ? targetPort : undefined,
        protocol: optionalString(raw(port)?.protocol) || 'TCP',
        appProtocol: optionalString(raw(port)?.appProtocol),
      };
    }),
  };
}
