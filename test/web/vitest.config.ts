import { defineConfig } from 'vitest/config';

// The playground in Debian's headless Chromium (`apt-get install -y chromium`): `npm run test:web`.
// Kept out of `npm test` (test/**/*.test.ts), which stays fast and Chromium-free.
export default defineConfig({
  test: {
    include: ['test/web/**/*.web.ts'],
    testTimeout: 240_000,
    // each file's beforeAll builds web/dist: minutes on a loaded 2-core machine (tab 3's worker is 4 MB to minify)
    hookTimeout: 600_000,
    pool: 'forks',
    // one file at a time: each builds web/dist (emptying it) and times the page's main thread
    fileParallelism: false,
  },
});
