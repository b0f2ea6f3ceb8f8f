// Django migration file → the shared migration model (statically: the file is parsed, never imported).
//
//   await loadPythonParser(); await loadSqlParser();
//   const m = parseDjangoMigration({ path, text }, { vendors: ['postgresql'] });
//   m.operations        create-index / drop-index / create-table / add-constraint / other (+ RunSQL's SQL)
//   m.django            app label, name, atomic (+ where `atomic = False` goes), dependencies
//   m.python            call sites, imports, operations list, vendor switches, SQL strings (model.ts)
//
// Transactions: Django runs an atomic migration (the default) in one transaction on PostgreSQL, so every
// operation is `inTransaction = atomic`; with `atomic = False` only `RunPython(…, atomic=True)`, an
// explicit BEGIN in SQL, or several statements sent as one query string are. Options: `appLabel`
// (default: the package holding `migrations/`), `vendors` (PostgreSQL is modelled when listed or when
// the list is empty), `baseClassAtomic` (`atomic` of project base classes defined in other files),
// `modelState` (earlier migrations of the project, from `collectDjangoModelState`, for real column
// names such as `customer_id` and for AlterField diffs).
import type { DjangoMigrationInfo, SourceFile, Vendor } from '../types.js';
import type { DjangoContext } from './django-context.js';
import { modelledVendor, operationInfos, pythonInfoSkeleton, suppressionAnchors, type Emitted } from './emit.js';
import { moduleDefinitions, readMigrationClass } from './django-class.js';
import { mapItem } from './django-items.js';
import { ModelRegistry, type ModelSnapshot } from './django-models.js';
import { appLabelFromPath, migrationNameFromPath } from './django-names.js';
import { applyEmbeddedTransactions, setTransaction } from './embedded-sql.js';
import { readImports } from './imports.js';
import type { PythonMigration } from './model.js';
import { parsePython, type ParsedPython } from './parser.js';
import { pythonSuppressions } from './suppressions.js';
import { Evaluator } from './values.js';

export interface DjangoModelState {
  /** The app's models as they stand before migration `name` runs. */
  before(appLabel: string, name: string): ModelSnapshot | undefined;
  /** The file as the replay parsed it, while its text is the one replayed (`collectDjangoModelState`'s `keepMigrations`). */
  parsed?(file: SourceFile): PythonMigration | undefined;
}

export interface DjangoOptions {
  appLabel?: string;
  vendors: Vendor[];
  /** `atomic` of base classes defined outside the file, by name as written or fully qualified. */
  baseClassAtomic?: Record<string, boolean>;
  modelState?: DjangoModelState;
}

export const DJANGO_ATOMIC_REASON =
  'Django runs each migration in one transaction on PostgreSQL unless the Migration class sets `atomic = False`';
const RUN_PYTHON_ATOMIC_REASON = '`RunPython(…, atomic=True)` runs the function in a transaction';

export function parseDjangoMigration(file: SourceFile, opts: DjangoOptions): PythonMigration {
  const replayed = opts.appLabel === undefined && opts.baseClassAtomic === undefined ? opts.modelState?.parsed?.(file) : undefined;
  return replayed ?? analyzeDjango(file, opts, false).migration;
}

/** Also returns the app's models after the file (for collectDjangoModelState). */
export function analyzeDjango(
  file: SourceFile,
  opts: DjangoOptions,
  skipSql: boolean,
): { migration: PythonMigration; registry: ModelRegistry } {
  const parsed = parsePython(file.text);
  try {
    return build(parsed, file, opts, skipSql);
  } finally {
    parsed.dispose();
  }
}

const LOCAL_NAMES: Record<string, string> = {
  migrations: 'django.db.migrations',
  models: 'django.db.models',
  connection: 'django.db.connection',
  AddIndexConcurrently: 'django.contrib.postgres.operations.AddIndexConcurrently',
  RemoveIndexConcurrently: 'django.contrib.postgres.operations.RemoveIndexConcurrently',
  RunSQL: 'django.db.migrations.RunSQL',
  SeparateDatabaseAndState: 'django.db.migrations.SeparateDatabaseAndState',
};

function build(parsed: ParsedPython, file: SourceFile, opts: DjangoOptions, skipSql: boolean) {
  const imports = readImports(parsed);
  const ev = new Evaluator(parsed, imports);
  const { classes, functions } = moduleDefinitions(parsed);
  const vendor = modelledVendor(opts.vendors);
  const name = migrationNameFromPath(file.path);
  const appLabel = opts.appLabel ?? appLabelFromPath(file.path) ?? fallbackAppLabel(file.path);
  const registry = new ModelRegistry(appLabel, vendor, opts.modelState?.before(appLabel, name));
  const localNames: Record<string, string> = {};
  for (const [key, qualified] of Object.entries(LOCAL_NAMES)) {
    const local = imports.localName(qualified);
    if (local) localNames[key] = local;
  }
  const python = pythonInfoSkeleton(imports, localNames);
  const cls = readMigrationClass(parsed, ev, classes, { vendor, baseClassAtomic: opts.baseClassAtomic });
  const ctx: DjangoContext = { ev, registry, vendor, python, out: [], classes, functions, stateOnly: false, skipSql, mapItem };
  const list = cls?.operations?.value;
  if (list?.type === 'seq') list.items.forEach((item, i) => mapItem(ctx, item, i, item.span));
  else if (list) python.unanalyzable.push({ span: list.span, reason: 'the operations list is not a list idxlint can read' });

  const atomic = cls?.info.atomic.value ?? true;
  applyTransactions(ctx.out, atomic);
  const operations = ctx.out.map((e) => e.op);
  python.operations = operationInfos(ctx.out);
  python.django = { migrationClass: cls?.info, operationsList: cls?.operations?.list };

  const django: DjangoMigrationInfo = {
    appLabel,
    name,
    atomic,
    atomicSpan: cls?.info.atomic.source === 'class' ? cls.info.atomic.span : undefined,
    classBodyInsert: cls?.info.bodyInsert,
    classIndent: cls?.info.bodyIndent,
    dependencies: cls?.dependencies ?? [],
  };
  const atomicSpan = cls?.info.atomic.span;
  const migration: PythonMigration = {
    file,
    language: 'python',
    framework: 'django',
    runner: 'django',
    operations,
    syntaxErrors: [...parsed.syntaxErrors, ...python.embeddedSql.filter((e) => !e.reverse).flatMap((e) => e.syntaxErrors)],
    suppressions: pythonSuppressions(parsed, suppressionAnchors(ctx.out)),
    transaction: {
      runner: 'django',
      wrapped: atomic,
      reason: atomic ? DJANGO_ATOMIC_REASON : 'the Migration class sets `atomic = False`: Django runs its operations outside a transaction',
      directive: { present: !atomic, span: atomicSpan },
    },
    django,
    python,
  };
  return { migration, registry };
}

function applyTransactions(out: Emitted[], atomic: boolean): void {
  const pieces = new Set(out.map((e) => e.piece).filter((p) => p !== undefined));
  if (!atomic) for (const piece of pieces) applyEmbeddedTransactions(piece);
  for (const e of out) {
    if (atomic) setTransaction(e.op, true, DJANGO_ATOMIC_REASON);
    else if (e.forceAtomic) setTransaction(e.op, true, RUN_PYTHON_ATOMIC_REASON);
    else if (!e.piece) setTransaction(e.op, false);
  }
}

function fallbackAppLabel(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2]! : 'app';
}

