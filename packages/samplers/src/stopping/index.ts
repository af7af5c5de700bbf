export { type LengthOptions, PromptTooLongError, resolveLengthBudget } from './limits.js';
export { cutBeforeStopString, type DecodeFn, StopStringMatcher } from './stop-strings.js';
