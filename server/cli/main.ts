// `idxlint`: the command-line face of the engine. Exit 0 clean, 1 findings at error severity,
// 2 usage, configuration or I/O errors.
import { Command, CommanderError, Option } from 'commander';
import { ALL_RULES, RULE_IDS } from '../../rules/index.js';
import { ConfigError } from '../engine/config.js';
import { renderRuleDoc, writeRuleDocs } from '../engine/docs.js';
import { isRunner } from '../engine/config.js';
import { runOrmWorkerThread } from '../engine/schema/orm-worker-entry.js';
import { isOrmWorker, ormWorkerStats } from '../engine/schema/orm-workers.js';
import { runCheck, type CheckOptions } from './check.js';

const VERSION = '0.1.0';
const WORKER_SCRIPT = __filename.endsWith('.js') ? __filename : undefined;

class UsageError extends Error {}

function program(): Command {
  const cli = new Command('idxlint')
    .description('Lints database index migrations (PostgreSQL SQL, Django, Alembic) before they ship.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cli
    .command('check', { isDefault: true })
    .description('check migration files (named files, folders searched, or the configured/discovered migrations)')
    .argument('[paths...]', 'files or folders')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .option('--fix', 'apply safe fixes, writing files atomically')
    .option('--unsafe-fixes', 'with --fix, also apply unsafe fixes')
    .option('--rule <id...>', 'only run these rules')
    .option('--changed-since <ref>', 'only check migrations added or changed since a git ref')
    .option('-c, --config <file>', 'configuration file (default: idxlint.json or pyproject.toml found upward)')
    .option('--runner <runner>', 'migration runner (psql, golang-migrate, dbmate, flyway, prisma, graphile-migrate, sqitch, goose, django, alembic)')
    .option('--assume-in-transaction', 'lint each SQL file as if the runner wraps it in a transaction')
    .option('--no-assume-in-transaction', 'lint each SQL file as if the runner does not wrap it')
    .option('--no-color', 'no ANSI colours in text output')
    .option('--no-cache', 'do not read or write the project-knowledge cache (.idxlint-cache/)')
    .option('--verify', 'also ask the embedded PostgreSQL and SQLite planners about every query pattern (planner-disagrees findings)')
    .option('-j, --jobs <n>', 'threads for extracting the ORM queries of a large project (default: the cores, at most 4; 1: none)')
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      if (opts.runner !== undefined && !isRunner(String(opts.runner))) throw new UsageError(`unknown runner '${String(opts.runner)}'`);
      for (const id of (opts.rule as string[] | undefined) ?? []) {
        if (!RULE_IDS.has(id)) throw new UsageError(`unknown rule '${id}' (see \`idxlint rules\`)`);
      }
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) throw new UsageError(`--jobs wants a whole number from 1 to 64, not '${String(opts.jobs)}'`);
      const options: CheckOptions = {
        paths,
        cwd: process.cwd(),
        format: opts.format as CheckOptions['format'],
        fix: !!opts.fix,
        unsafeFixes: !!opts.unsafeFixes,
        only: opts.rule as string[] | undefined,
        changedSince: opts.changedSince as string | undefined,
        configFile: opts.config as string | undefined,
        runner: opts.runner as CheckOptions['runner'],
        assumeInTransaction: assumeFlag(),
        color: opts.color !== false && !!process.stdout.isTTY && !process.env.NO_COLOR,
        version: VERSION,
        cache: opts.cache !== false,
        verify: !!opts.verify,
        // Worker threads run this same bundle (not the TypeScript sources under a test runner).
        ...(WORKER_SCRIPT ? { parallel: { script: WORKER_SCRIPT, ...(jobs !== undefined ? { jobs, always: true } : {}) } } : {}),
      };
      const result = await runCheck(options);
      process.stdout.write(result.output);
      process.exitCode = result.exitCode;
    });

  cli
    .command('rules')
    .description('list the rules')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        const list = ALL_RULES.map((r) => ({ id: r.id, description: r.meta.description, severity: r.meta.defaultSeverity, fix: r.meta.fix }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(...ALL_RULES.map((r) => r.id.length));
      for (const r of ALL_RULES) {
        process.stdout.write(`${r.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.fix === 'none' ? '   ' : 'fix'}  ${r.meta.description}\n`);
      }
    });

  cli
    .command('docs')
    .description("print a rule's documentation, or write docs/rules/*.md")
    .argument('[rule]', 'rule id')
    .option('--write [dir]', 'write every rule page into a folder (default docs/rules)')
    .action((id: string | undefined, opts: { write?: string | boolean }) => {
      if (opts.write) {
        const dir = typeof opts.write === 'string' ? opts.write : 'docs/rules';
        const written = writeRuleDocs(ALL_RULES, dir);
        process.stdout.write(`wrote ${written.length} files to ${dir}\n`);
        return;
      }
      if (!id) throw new UsageError('name a rule (see `idxlint rules`), or pass --write');
      const rule = ALL_RULES.find((r) => r.id === id);
      if (!rule) throw new UsageError(`unknown rule '${id}' (see \`idxlint rules\`)`);
      process.stdout.write(renderRuleDoc(rule));
    });

  cli
    .command('verify')
    .description("plan every query pattern with the embedded PostgreSQL and SQLite planners, next to idxlint's static verdict (exit 1 on a disagreement)")
    .argument('[paths...]', 'migration files or folders (default: the configured/discovered migrations)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'configuration file (default: idxlint.json or pyproject.toml found upward)')
    .addOption(new Option('--vendor <vendor...>', 'planners to ask (default: the project vendors)').choices(['postgresql', 'sqlite']))
    .option('--postgres-version <major>', 'PostgreSQL version of the static verdicts (default: the configuration)')
    .option('--no-cache', 'plan every query again and rebuild the project knowledge (no cache is read or written)')
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      const { runVerify } = await import('./verify.js');
      const version = opts.postgresVersion === undefined ? undefined : Number(opts.postgresVersion);
      if (version !== undefined && !(Number.isInteger(version) && version >= 9)) throw new UsageError(`--postgres-version must be a major version, got '${String(opts.postgresVersion)}'`);
      const result = await runVerify({
        paths,
        cwd: process.cwd(),
        format: opts.format as 'text' | 'json',
        configFile: opts.config as string | undefined,
        vendors: opts.vendor as ('postgresql' | 'sqlite')[] | undefined,
        postgresVersion: version,
        cache: opts.cache !== false,
      });
      process.stdout.write(result.output);
      process.exitCode = result.exitCode;
    });

  cli
    .command('explain')
    .description('which index serves a query on each vendor, and why the others do not')
    .argument('<query>', "SQL text, or the file:line of an ORM call or SQL statement")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'configuration file (default: idxlint.json or pyproject.toml found upward)')
    .option('--no-cache', 'do not read or write the project-knowledge cache')
    .option('--verify', "add the embedded planners' plans")
    .action(async (target: string, opts: Record<string, unknown>) => {
      const { runExplain, ExplainError } = await import('./explain.js');
      try {
        const result = await runExplain({
          target,
          cwd: process.cwd(),
          format: opts.format as 'text' | 'json',
          configFile: opts.config as string | undefined,
          cache: opts.cache !== false,
          verify: !!opts.verify,
        });
        process.stdout.write(result.output);
        process.exitCode = result.exitCode;
      } catch (error) {
        if (error instanceof ExplainError) throw new UsageError(error.message);
        throw error;
      }
    });

  cli
    .command('lsp')
    .description('start the language server')
    .option('--stdio', 'talk LSP over stdin/stdout')
    .option('--node-ipc', 'talk LSP over Node IPC')
    .action(async () => {
      const { runLanguageServer } = await import('../lsp/server.js');
      runLanguageServer();
    });

  return cli;
}

/** `--assume-in-transaction` / `--no-assume-in-transaction`: commander folds both into one key; read argv to tell "unset". */
function assumeFlag(): boolean | undefined {
  const args = process.argv;
  const yes = args.lastIndexOf('--assume-in-transaction');
  const no = args.lastIndexOf('--no-assume-in-transaction');
  if (yes < 0 && no < 0) return undefined;
  return yes > no;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`idxlint: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const e = error as NodeJS.ErrnoException;
    if (e && typeof e.code === 'string' && e.syscall) {
      process.stderr.write(`idxlint: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`idxlint: internal error: ${e?.stack ?? String(error)}\n`);
    process.exitCode = 2;
  }
}

if (process.env.IDXLINT_STATS && !isOrmWorker()) {
  // For `npm run bench`: the process's peak memory (worker threads included), reported on exit.
  process.on('exit', () => process.stderr.write(`IDXLINT_STATS maxRssKb=${process.resourceUsage().maxRSS} ormWorkers=${ormWorkerStats.started}\n`));
}

if (isOrmWorker()) runOrmWorkerThread();
else void main();
