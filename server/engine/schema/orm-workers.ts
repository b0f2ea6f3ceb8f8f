// ORM query extraction on several threads: parsing 300,000 lines of Python is most of a cold run, and
// each file's patterns depend only on the model registry, so the stale files are cut into chunks of
// about equal size, one per thread. The calling thread extracts one chunk; each worker thread (running
// the same bundle, `workerData.role` tells it what to do) reads the project's Python files, builds its
// own registry from them (the registry is not plain data; building it is a fraction of the parsing) and
// extracts its chunk. Results are plain data, merged by file in the caller's order, so the knowledge is
// the same as a single thread's.
//
//   const sets = await extractInChunks(stale, { script: __filename, jobs: 2 }, registryFiles, initFiles, (chunk) => extractHere(chunk));
//
// A worker that fails (no memory, a crash) fails the build with its message: nothing is half-merged.
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FileSet } from './query-patterns.js';

const ROLE = 'idxlint-orm-extract';

/** Worker threads started by this process (reported by `IDXLINT_STATS`, for the bench and tests). */
export const ormWorkerStats = { started: 0 };

/** Where worker threads come from, and how many threads in all (the calling one included). */
export interface OrmParallelism {
  /** The bundle a worker runs (the CLI's own file). */
  script: string;
  /** Threads in all; undefined: the machine's cores, at most 4. */
  jobs?: number;
  /** Split even a small batch (`--jobs` given explicitly). */
  always?: boolean;
}

/** Below this much Python text a batch is extracted on the calling thread: a worker's start-up costs more. */
const MIN_PARALLEL_BYTES = 2 * 1024 * 1024;

interface WorkerInput {
  role: typeof ROLE;
  /** The project's Python files, for the registry. */
  registryFiles: string[];
  /** The files to extract, plus every `__init__.py` (the extractor's module names). */
  batch: string[];
  /** The files whose patterns this worker reports. */
  owned: string[];
}

type WorkerReply = { sets: [string, FileSet][] } | { error: string };

/** What a worker does with its input: the caller's side provides it (it knows the ORM and the parser). */
export type ChunkExtractor = (registryFiles: string[], batch: string[], owned: string[]) => Promise<Map<string, FileSet>>;

export function isOrmWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | undefined)?.role === ROLE;
}

/** The worker's side: one chunk, one reply, then the thread ends. */
export function runOrmWorker(extract: ChunkExtractor): void {
  const input = workerData as WorkerInput;
  extract(input.registryFiles, input.batch, input.owned).then(
    (sets) => parentPort!.postMessage({ sets: [...sets] } satisfies WorkerReply),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
  );
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The files cut into `n` chunks of about equal work (largest first, each to the least loaded chunk). A
 * worker also starts up and builds a registry, so the last chunk (the calling thread's) takes a larger
 * share: `weights[i]` is chunk i's share relative to the others.
 */
export function chunksBySize(files: string[], n: number, size: (path: string) => number = sizeOf, weights: number[] = []): string[][] {
  const chunks = Array.from({ length: n }, (_, i) => ({ files: [] as string[], bytes: 0, weight: weights[i] ?? 1 }));
  // A file costs something even when it is empty (reading it, its module name).
  const sized = files.map((f) => ({ f, bytes: size(f) + FILE_COST })).sort((a, b) => b.bytes - a.bytes || (a.f < b.f ? -1 : 1));
  for (const { f, bytes } of sized) {
    const load = (c: (typeof chunks)[number]) => (c.bytes + bytes) / c.weight;
    const lightest = chunks.reduce((a, b) => (load(b) < load(a) ? b : a));
    lightest.files.push(f);
    lightest.bytes += bytes;
  }
  return chunks.map((c) => c.files.sort()).filter((c) => c.length);
}

const FILE_COST = 256;

/** A worker's share of the files against the calling thread's (measured on the bench project: its start-up
 * and registry take about a sixth of the time its half of the extraction does). */
const WORKER_WEIGHT = 0.85;

/** How many threads a batch gets (1: the calling thread alone). */
export function threadsFor(stale: string[], parallel: OrmParallelism | undefined): number {
  if (!parallel) return 1;
  const jobs = Math.max(1, Math.floor(parallel.jobs ?? Math.min(availableParallelism(), 4)));
  if (jobs === 1 || stale.length < 2) return 1;
  if (!parallel.always && stale.reduce((n, f) => n + sizeOf(f), 0) < MIN_PARALLEL_BYTES) return 1;
  return Math.min(jobs, stale.length);
}

/**
 * Extracts `stale` on `threads` threads: the last chunk here (`here`), the others in workers. The sets
 * come back per owned file.
 */
export async function extractInChunks(
  stale: string[],
  threads: number,
  parallel: OrmParallelism,
  registryFiles: string[],
  initFiles: string[],
  here: (batch: string[], owned: string[]) => Map<string, FileSet>,
): Promise<Map<string, FileSet>> {
  const chunks = chunksBySize(stale, threads, undefined, [...Array<number>(threads - 1).fill(WORKER_WEIGHT), 1]);
  const batchOf = (chunk: string[]) => [...new Set([...chunk, ...initFiles])].sort();
  const workers: Worker[] = [];
  const remote = chunks.slice(0, -1).map(
    (owned) =>
      new Promise<Map<string, FileSet>>((resolve, reject) => {
        const input: WorkerInput = { role: ROLE, registryFiles, batch: batchOf(owned), owned };
        const worker = new Worker(parallel.script, { workerData: input });
        workers.push(worker);
        ormWorkerStats.started++;
        let settled = false;
        worker.once('message', (reply: WorkerReply) => {
          settled = true;
          if ('sets' in reply) resolve(new Map(reply.sets));
          else reject(new Error(`query extraction failed in a worker thread: ${reply.error}`));
          void worker.terminate();
        });
        worker.once('error', (error) => {
          settled = true;
          reject(new Error(`query extraction failed in a worker thread: ${error.message}`));
        });
        worker.once('exit', (code) => {
          if (!settled) reject(new Error(`the query extraction worker exited (code ${code}) before answering`));
        });
      }),
  );
  const all = Promise.all(remote);
  all.catch(() => undefined); // awaited below; a failure here first must not go unhandled meanwhile
  const last = chunks[chunks.length - 1]!;
  let mine: Map<string, FileSet>;
  try {
    mine = here(batchOf(last), last);
  } catch (error) {
    for (const w of workers) void w.terminate();
    throw error;
  }
  const results = await all;
  const out = new Map<string, FileSet>();
  for (const sets of [...results, mine]) for (const [file, set] of sets) out.set(file, set);
  return out;
}
