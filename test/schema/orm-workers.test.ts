// Cutting the ORM extraction into chunks, and what a failing worker thread does to the build (the whole
// path with real workers is tested through the CLI: test/cli.test.ts, `check --jobs`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunksBySize, extractInChunks, threadsFor } from '../../server/engine/schema/orm-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'idxlint-orm-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chunksBySize', () => {
  const sizes: Record<string, number> = { a: 50, b: 40, c: 30, d: 20, e: 10, f: 10 };
  const size = (f: string) => sizes[f]!;

  it('every file in one chunk, the totals as even as the files allow, each chunk sorted', () => {
    const chunks = chunksBySize(Object.keys(sizes), 2, size);
    expect(chunks.flat().sort()).toEqual(Object.keys(sizes));
    expect(chunks.map((c) => c.reduce((n, f) => n + size(f), 0)).sort()).toEqual([80, 80]);
    for (const c of chunks) expect(c).toEqual([...c].sort());
  });

  it('a lighter weight gets less; no empty chunks when there are more threads than files', () => {
    const [worker, here] = chunksBySize(['a', 'b', 'c', 'd'], 2, () => 10, [0.5, 1]);
    expect([worker!.length, here!.length]).toEqual([1, 3]);
    expect(chunksBySize(['a', 'b'], 4, size)).toHaveLength(2);
  });
});

describe('threadsFor', () => {
  it('one thread without a worker script, for one file, or for --jobs 1; --jobs N splits even a small batch', () => {
    expect(threadsFor(['x.py', 'y.py'], undefined)).toBe(1);
    expect(threadsFor(['x.py'], { script: 's', jobs: 4, always: true })).toBe(1);
    expect(threadsFor(['x.py', 'y.py'], { script: 's', jobs: 1, always: true })).toBe(1);
    expect(threadsFor(['x.py', 'y.py', 'z.py'], { script: 's', jobs: 2, always: true })).toBe(2);
    expect(threadsFor(['x.py', 'y.py', 'z.py'], { script: 's', jobs: 8, always: true })).toBe(3);
    // Default: only a batch of megabytes is worth a worker's start-up (these files do not even exist).
    expect(threadsFor(['x.py', 'y.py'], { script: 's', jobs: 2 })).toBe(1);
  });
});

describe('extractInChunks', () => {
  const here = (_batch: string[], owned: string[]) => new Map(owned.map((f) => [f, { patterns: [], skipped: [] }]));

  it('a worker that reports an error, or exits without answering, fails the build with what it said', async () => {
    const failing = join(dir, 'failing.js');
    writeFileSync(failing, "require('node:worker_threads').parentPort.postMessage({ error: 'boom: the registry could not be built' });\n");
    await expect(extractInChunks(['a.py', 'b.py'], 2, { script: failing }, [], [], here)).rejects.toThrow(
      'query extraction failed in a worker thread: boom: the registry could not be built',
    );
    const exiting = join(dir, 'exiting.js');
    writeFileSync(exiting, 'process.exit(3);\n');
    await expect(extractInChunks(['a.py', 'b.py'], 2, { script: exiting }, [], [], here)).rejects.toThrow('exited (code 3) before answering');
  });

  it('the calling thread failing stops the workers and fails the build', async () => {
    const slow = join(dir, 'slow.js');
    writeFileSync(slow, 'setTimeout(() => {}, 60_000);\n');
    await expect(
      extractInChunks(['a.py', 'b.py'], 2, { script: slow }, [], [], () => {
        throw new Error('parse failed here');
      }),
    ).rejects.toThrow('parse failed here');
  });

  it('the sets come back per file, from every chunk', async () => {
    const answering = join(dir, 'answering.js');
    writeFileSync(
      answering,
      "const { parentPort, workerData } = require('node:worker_threads');\nparentPort.postMessage({ sets: workerData.owned.map((f) => [f, { patterns: [], skipped: [{ reason: 'from the worker' }] }]) });\n",
    );
    const sets = await extractInChunks(['a.py', 'b.py', 'c.py'], 3, { script: answering }, [], ['__init__.py'], here);
    expect([...sets.keys()].sort()).toEqual(['a.py', 'b.py', 'c.py']);
    expect([...sets.values()].filter((s) => s.skipped.length)).toHaveLength(2);
  });
});
