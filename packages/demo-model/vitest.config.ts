import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    // Tests build models and run onnxruntime and a float64 reference forward pass on a shared 2-core
    // machine: generous limits, so that load never turns into a failure (no test measures time).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
