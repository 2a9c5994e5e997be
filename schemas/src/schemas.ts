// Every kubeblink schema, loaded once. Import attributes keep this usable from the browser bundle too.
import appSignal from '../app-signal.schema.json' with { type: 'json' };
import cloudevent from '../cloudevent.schema.json' with { type: 'json' };
import clusterEvent from '../cluster-event.schema.json' with { type: 'json' };
import clusterStatus from '../cluster-status.schema.json' with { type: 'json' };
import common from '../common.schema.json' with { type: 'json' };
import brokerSettings from '../config/broker-settings.schema.json' with { type: 'json' };
import brokerUsers from '../config/broker-users.schema.json' with { type: 'json' };
import commonSettings from '../config/common-settings.schema.json' with { type: 'json' };
import dashboardSettings from '../config/dashboard-settings.schema.json' with { type: 'json' };
import demoAppSettings from '../config/demo-app-settings.schema.json' with { type: 'json' };
import demoSettings from '../config/demo-settings.schema.json' with { type: 'json' };
import ledLayout from '../config/led-layout.schema.json' with { type: 'json' };
import ledSettings from '../config/led-settings.schema.json' with { type: 'json' };
import loadSettings from '../config/load-settings.schema.json' with { type: 'json' };
import podRunnerSettings from '../config/pod-runner-settings.schema.json' with { type: 'json' };
import recordSettings from '../config/record-settings.schema.json' with { type: 'json' };
import soundMapping from '../config/sound-mapping.schema.json' with { type: 'json' };
import soundSettings from '../config/sound-settings.schema.json' with { type: 'json' };
import upSettings from '../config/up-settings.schema.json' with { type: 'json' };
import watcherSettings from '../config/watcher-settings.schema.json' with { type: 'json' };
import nodeState from '../node-state.schema.json' with { type: 'json' };
import podState from '../pod-state.schema.json' with { type: 'json' };
import serviceStatus from '../service-status.schema.json' with { type: 'json' };

export type JsonSchema = { $id: string; [key: string]: unknown };

/** Schemas of messages on the bus, keyed by the short name used everywhere else. */
export const messageSchemas = {
  podState,
  nodeState,
  clusterStatus,
  serviceStatus,
  clusterEvent,
  appSignal,
} as const satisfies Record<string, JsonSchema>;

/** Schemas of configuration files and service settings. */
export const configSchemas = {
  ledLayout,
  brokerUsers,
  brokerSettings,
  watcherSettings,
  recordSettings,
  ledSettings,
  demoAppSettings,
  podRunnerSettings,
  loadSettings,
  soundMapping,
  soundSettings,
  dashboardSettings,
  demoSettings,
  upSettings,
} as const satisfies Record<string, JsonSchema>;

/** Schemas only referenced by others. */
export const sharedSchemas = { common, cloudevent, commonSettings } as const satisfies Record<string, JsonSchema>;

export type MessageSchemaName = keyof typeof messageSchemas;
export type ConfigSchemaName = keyof typeof configSchemas;

export const allSchemas: JsonSchema[] = [
  ...Object.values(sharedSchemas),
  ...Object.values(messageSchemas),
  ...Object.values(configSchemas),
];
