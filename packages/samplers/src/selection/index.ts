export { argmax, greedy } from './greedy.js';
export { NoCandidateError, SoftmaxSampler, sample } from './sample.js';
