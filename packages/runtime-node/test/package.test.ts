import { expect, it } from 'vitest';

it('the package entry point loads', async () => {
  await expect(import('../src/index.js')).resolves.toBeDefined();
});
