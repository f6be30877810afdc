import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2 cores: more workers only thrash; each test file starts its own servers on ephemeral ports.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
