export { createRandom, MAX_SEED, randomSeed, type SeededRandom, validateSeed } from './xoshiro.js';
