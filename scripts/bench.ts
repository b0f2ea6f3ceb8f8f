// `npm run bench`: the figures the issues ask for. A benchmark, not a test: it prints, it does not assert.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findingHeavyMigration, longMigration, writeSqlMigrations } from './bench/generate.js';
import { benchLspLatency } from './bench/lsp.js';
import { benchLspMemory } from './bench/lsp-memory.js';
import { writeLargeDjangoProject } from './bench/django-project.js';
import { benchVerify, formatVerifyBench } from '../server/engine/verify/bench.js';
import { differentialRun, formatDifferentialReport } from '../server/engine/verify/differential.js';

const cli = resolve(__dirname, 'cli.js');

function timeCli(args: string[], cwd: string): { ms: number; rssMb: number; exit: number; workers: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, IDXLINT_STATS: '1' },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rss = /IDXLINT_STATS maxRssKb=(\d+)/.exec(run.stderr);
  const workers = /ormWorkers=(\d+)/.exec(run.stderr);
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN, exit: run.status ?? -1, workers: workers ? Number(workers[1]) : 0 };
}

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${p(0.5).toFixed(0)} ms, min ${s[0]!.toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`;
}

function benchSqlCheck(): void {
  const dir = mkdtempSync(join(tmpdir(), 'idxlint-bench-'));
  try {
    writeSqlMigrations(dir, 2000);
    const runs = Array.from({ length: 5 }, () => timeCli(['check', '--no-cache', '--format', 'json', 'migrations'], dir));
    console.log(`cold \`idxlint check --no-cache\` on 2,000 generated SQL migrations (new process each run, 5 runs):`);
    console.log(`  wall: ${stats(runs.map((r) => r.ms))}`);
    console.log(`  peak RSS: ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB   (exit code ${runs[0]!.exit}: findings at error severity)`);
    timeCli(['check', '--format', 'json', 'migrations'], dir);
    const warm = Array.from({ length: 5 }, () => timeCli(['check', '--format', 'json', 'migrations'], dir));
    console.log(`  warm (lint and knowledge caches): ${stats(warm.map((r) => r.ms))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLsp(): Promise<void> {
  console.log('language server: didChange → publishDiagnostics, 100 edits, 50 ms debounce included:');
  for (const [label, text] of [
    ['typical', longMigration(2000)],
    ['worst case: an unsafe statement in every other line', findingHeavyMigration(2000)],
  ] as const) {
    const r = await benchLspLatency(text, 100);
    console.log(`  ${r.lines}-line migration, ${r.findings} findings (${label}): p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, max ${r.max.toFixed(0)} ms`);
  }
}

function benchDjangoProject(): void {
  const dir = mkdtempSync(join(tmpdir(), 'idxlint-bench-django-'));
  try {
    const p = writeLargeDjangoProject(dir);
    console.log(`full analysis of a generated Django project: ${p.models} models, ${p.migrations} migrations, ${p.appLines} lines of app code (${p.files.length} files):`);
    const json = ['check', '--format', 'json'];
    const cold = Array.from({ length: 3 }, () => (rmSync(join(dir, '.idxlint-cache'), { recursive: true, force: true }), timeCli(json, dir)));
    console.log(`  cold (no cache, ${cold[0]!.workers + 1} thread(s) for the ORM queries): ${stats(cold.map((r) => r.ms))}, peak RSS ${Math.max(...cold.map((r) => r.rssMb)).toFixed(0)} MB`);
    const single = Array.from({ length: 3 }, () => (rmSync(join(dir, '.idxlint-cache'), { recursive: true, force: true }), timeCli([...json, '--jobs', '1'], dir)));
    console.log(`  cold, one thread (--jobs 1): ${stats(single.map((r) => r.ms))}, peak RSS ${Math.max(...single.map((r) => r.rssMb)).toFixed(0)} MB`);
    const warm = Array.from({ length: 3 }, () => timeCli(json, dir));
    console.log(`  warm (nothing changed; persistent cache in .idxlint-cache/): ${stats(warm.map((r) => r.ms))}, peak RSS ${Math.max(...warm.map((r) => r.rssMb)).toFixed(0)} MB`);
    // One query added to one app module: that file's queries are extracted again (the registry rebuilt for
    // it), and the project rules run again over the whole project.
    const edited = p.files.find((f) => f.includes('services') && !f.endsWith('__init__.py'))!;
    const model = /^from \w+\.models import (\w+)/m.exec(readFileSync(join(dir, edited), 'utf8'))![1]!;
    const edits = Array.from({ length: 3 }, (_, i) => {
      appendFileSync(join(dir, edited), `\n\ndef bench_edit_${i}(owner):\n    return ${model}.objects.filter(owner=owner, status="open").count()\n`);
      return timeCli(json, dir);
    });
    console.log(`  after adding a query to one app module: ${stats(edits.map((r) => r.ms))}, peak RSS ${Math.max(...edits.map((r) => r.rssMb)).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'sql') benchSqlCheck();
  if (!only || only === 'verify') console.log(formatVerifyBench(await benchVerify({ cli, count: 200, seed: 7 }), 200));
  if (!only || only === 'lsp') await benchLsp();
  if (!only || only === 'lsp-memory') console.log((await benchLspMemory()).join('\n'));
  if (!only || only === 'django') benchDjangoProject();
  if (!only || only === 'differential') console.log(formatDifferentialReport(await differentialRun({ count: 3000, seed: 1 })));
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
