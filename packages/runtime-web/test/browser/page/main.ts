// The test page: exposes the built package to the Playwright test, which drives it with page.evaluate.
import * as nucleus from '../../../dist/index.js';

(globalThis as { nucleus?: typeof nucleus }).nucleus = nucleus;
document.title = 'ready';
