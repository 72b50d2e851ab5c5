/** Istio Gateway (networking.istio.io; the Gateway API's Gateway is another kind of the same name). */
import { KubeObject } from '../../manifest';
import { KindModel } from '../kind';
import { Labels, listOf, optionalNumber, raw, specOf, stringMap, stringsOf } from '../metadata';

export const GATEWAY: KindModel = { kind: 'Gateway', group: 'networking.istio.io', fields: {} };

/** One server (listener) of a Gateway. */
export interface GatewayServer {
  /** Port number the gateway listens on; absent when the server has no port. */
  readonly port?: number;
  /** Hosts exposed on the server, optionally `namespace/host`. */
  readonly hosts: readonly string[];
}

/** What the project reads of a Gateway. */
export interface GatewayView {
  /** Labels of the gateway workload pods. */
  readonly selector: Labels;
  /** The gateway's servers. */
  readonly servers: readonly GatewayServer[];
}

/** The Gateway view of an object. */
export function gatewayOf(object: KubeObject): GatewayView {
  const spec = specOf(object);
  return {
    selector: stringMap(spec?.selector),
    servers: listOf(spec?.servers).map((server) => ({
      port: optionalNumber(raw(raw(server)?.port)?.number), hosts: stringsOf(raw(server)?.hosts),
    })),
  };
}
