import { defineConfig } from 'vitest/config';

// Slow, real-toolchain tests (Django + PostgreSQL). Run: npm run test:slow
// Prerequisites: scripts/setup-django-proof.sh (and scripts/setup-alembic-proof.sh for the Alembic proof)
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 180000,
    hookTimeout: 180000,
    pool: 'forks',
    fileParallelism: false,
  },
});
