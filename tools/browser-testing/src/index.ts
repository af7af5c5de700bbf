/**
 * Test helpers shared by the workspace's browser tests: a local static + route server and the settings for
 * Debian's headless Chromium.
 *
 * @packageDocumentation
 */
export { CHROMIUM_FLAGS, CHROMIUM_PATH, hasChromium } from './chromium.js';
export { type Route, StaticServer } from './static-server.js';
