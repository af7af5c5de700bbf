import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    // Real ONNX models on a shared CPU: allow for a slow machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
