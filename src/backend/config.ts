/**
 * Every constant and default of the backend plugin, written once. The datasource settings a user
 * edits in Grafana are read in settings.ts; these are the plugin's own fixed values.
 */

export const PLUGIN_ID = 'shopmon-kpi-datasource';

/** go-plugin handshake: the magic cookie Grafana sets and the protocol versions we speak. */
export const MAGIC_COOKIE_KEY = 'grafana_plugin_type';
export const MAGIC_COOKIE_VALUE = 'datasource';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 2;

/** Grafana sends whole dashboards' worth of frames; Go's side allows up to MaxInt32 bytes. */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/** Datasource setting defaults (jsonData). */
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 300;

/** Bytes of a KPI service answer we read at most: far above any real answer, it bounds a broken one. */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** Keep-alive sockets per datasource instance towards the KPI service. */
export const MAX_SOCKETS = 32;

/** How long Shutdown/SIGTERM waits for in-flight calls before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 1500;

/** How often the plugin checks that Grafana (its parent process) is still alive. */
export const PARENT_CHECK_MS = 2000;

/** Log level: Grafana's plugin logger variables, then Grafana's own; default info. */
export const LOG_LEVEL_ENV = ['GF_PLUGIN_LOG_LEVEL', 'GF_LOG_LEVEL'] as const;
export const DEFAULT_LOG_LEVEL = 'info';
