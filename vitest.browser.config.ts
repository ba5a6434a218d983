import { defineConfig } from 'vitest/config';

// Tests that need Debian's chromium (`apt-get install -y chromium`); `npm run test:browser`.
export default defineConfig({
  test: {
    include: ['test/**/*.browser.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
