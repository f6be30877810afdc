/** The web client's build, for the browser tests: see scripts/build.ts. */
export { ensureWebBuild } from './build';
