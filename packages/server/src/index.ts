export { createApp, type App, type AppDeps } from './app';
export { parseConfig, type Config } from './config';
export { openSqliteStore } from './stores/sqlite/openSqliteStore';
export type { Store } from './stores/ports';
