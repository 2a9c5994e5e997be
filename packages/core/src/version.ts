import { hostname } from 'node:os';

/** kubeblink's version, reported in service status and /version of each service. */
export const VERSION = '0.1.0';

/** Default instance id (and MQTT client id): <service>-<hostname>, which in a pod is the pod name. */
export function defaultInstance(service: string): string {
  return `${service}-${hostname()}`.replace(/[+#/\s]/g, '-').slice(0, 128);
}
