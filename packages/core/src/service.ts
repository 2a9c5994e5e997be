// The parts every long-running service builds from its settings in the same way.
import type { Role } from './acl.ts';
import { BusClient, type BusClientOptions, type BusIdentity } from './bus/client.ts';
import { HealthServer, type HealthServerOptions } from './http.ts';
import { createLogger, type Logger } from './log.ts';
import { createRegistry, type Registry } from './metrics.ts';
import { defaultInstance, VERSION } from './version.ts';

/** Settings every MQTT-connected service has (see schemas/config/common-settings.schema.json). */
export interface BusSettings {
  broker: string;
  cluster: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  instance?: string;
}

/** Settings every long-running service has for its /healthz, /readyz and /metrics endpoint. */
export interface HttpSettings {
  httpHost: string;
  httpPort: number;
}

export interface LogSettings {
  logLevel?: string;
  logFormat?: 'auto' | 'json' | 'pretty';
}

export interface ServiceRuntime {
  service: string;
  instance: string;
  log: Logger;
  registry: Registry;
}

/** Logger (bound to the service), metrics registry and instance id of one service. */
export function serviceRuntime(service: string, settings: LogSettings & { instance?: string }): ServiceRuntime {
  return {
    service,
    instance: settings.instance ?? defaultInstance(service),
    log: createLogger({ service, level: settings.logLevel, format: settings.logFormat }),
    registry: createRegistry(service),
  };
}

/** The bus client of a service, from its settings. */
export function busFromSettings(
  settings: BusSettings,
  rt: ServiceRuntime,
  access: { role: Role; identity?: BusIdentity; pod?: { namespace: string; name: string } },
  extra: Partial<BusClientOptions> = {},
): BusClient {
  return new BusClient({
    url: settings.broker,
    cluster: settings.cluster,
    instance: rt.instance,
    identity: access.identity ?? { kind: 'service', service: rt.service, version: VERSION },
    role: access.role,
    pod: access.pod,
    username: settings.username,
    password: settings.password,
    passwordFile: settings.passwordFile,
    log: rt.log,
    registry: rt.registry,
    ...extra,
  });
}

/** The /healthz, /readyz and /metrics server of a service, on its httpHost and httpPort. */
export function healthServerFromSettings(
  settings: HttpSettings,
  rt: ServiceRuntime,
  endpoints: Pick<HealthServerOptions, 'ready' | 'healthy' | 'routes' | 'notFound' | 'upgrade'>,
): HealthServer {
  return new HealthServer({
    host: settings.httpHost,
    port: settings.httpPort,
    registry: rt.registry,
    log: rt.log,
    ...endpoints,
  });
}
