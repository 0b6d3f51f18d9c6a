import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test-support'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
