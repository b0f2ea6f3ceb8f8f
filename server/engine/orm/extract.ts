// Django ORM queries and raw SQL in a project's Python → query patterns (what each query asks of each
// table), statically: files are parsed, never imported.
//
//   await loadOrmParsers();
//   const registry = buildModelRegistry(files);
//   const { patterns, skipped } = extractQueryPatterns(files, registry);
//
// Each file is scanned as text first for the attribute names that can start a query (the registry's
// manager names and related accessors, `execute`, `raw`, `RawSQL(`, `get_object_or_404(`); files
// without any are not parsed, and in the others only the chains around those names are read (the tree
// is not walked as a whole). A queryset assigned to a local variable is followed through the rest of
// its function in source order: `qs = X.objects.filter(a=1)` … `qs = qs.filter(b=2)` …
// `qs.order_by('-c').first()` is one pattern at the final call; `for r in qs`, `return qs`, `len(qs)`,
// passing `qs` on are uses too. Branches are not told apart: refinements in an `if` apply to later uses
// as if the branch ran. A module-level function that returns one queryset is a query helper: its calls
// (`active_rules(c).order_by('-priority').first()`, `for r in active_rules(c)`) are chains on that
// queryset, in its own module and, through imports, in others (helpers.ts; the files a file's patterns
// depend on that way are reported as `deps`, for the cache).
import type { ParsedPython, PyNode } from '../python/parser.js';
import type { PatternSet, QueryPattern } from '../query/types.js';
import type { SourceFile, Span } from '../types.js';
import { readChain } from './chain.js';
import { chainTopIndex, makeLocator, type Level, type PathLocator } from './locate.js';
import { PatternCollector } from './collect.js';
import { ProjectModuleIndex, type ProjectModules } from './helpers.js';
import { packageDirs, type ModuleInfo } from './modules.js';
import { Interpreter, type Outcome, type QsState } from './queryset.js';
import { rawSqlPatterns, type SqlCache } from './raw-sql.js';
import type { OrmRegistry } from './registry.js';
import { parseSource, type ParseCache, type ParsedSource } from './scan.js';
import { chainSource, shortcutModel, type ScopeInfo } from './sources.js';
import { shortText, type ValueEnv } from './values.js';

export interface ExtractOptions {
  /** Trees the registry kept (`buildModelRegistry(files, { cache })`); disposed here. */
  cache?: ParseCache;
  /** The whole project, so that a query helper imported from another module is followed (helpers.ts). */
  project?: ProjectModules;
}

/** The patterns, and per file the other files whose query helpers it uses (its patterns depend on them). */
export interface ExtractResult extends PatternSet {
  deps?: Record<string, string[]>;
}

const SQL_METHODS = new Set(['execute', 'executemany', 'raw']);
const SHORTCUTS = new Set(['get_object_or_404', 'get_list_or_404', 'aget_object_or_404', 'aget_list_or_404']);
const ATTRIBUTE = /\.[ \t]*([A-Za-z_]\w*)/g;
const CALLEE = /\b(RawSQL|a?get_object_or_404|a?get_list_or_404)[ \t]*\(/g;

interface Hit {
  offset: number;
  name: string;
  kind: 'manager' | 'sql' | 'call';
}

export function extractQueryPatterns(files: SourceFile[], registry: OrmRegistry, options: ExtractOptions = {}): ExtractResult {
  const python = files.filter((f) => f.path.endsWith('.py'));
  const packages = packageDirs(python.map((f) => f.path));
  const collector = new PatternCollector(python.map((f) => f.path));
  const interp = new Interpreter(registry);
  const sql: SqlCache = new Map();
  const imported = options.project ? new ImportedHelpers(options.project, registry, interp, sql) : undefined;
  const deps: Record<string, string[]> = {};
  try {
    for (const file of python) {
      const cached = options.cache?.take(file.path);
      const hits = isMigration(file) ? [] : findHits(file.text, registry);
      if (!hits.length && !imported?.mayCall(file.text)) {
        cached?.parsed.dispose();
        continue;
      }
      const src = cached ?? parseSource(file, packages);
      try {
        const extractor = new FileExtractor(src, registry, interp, collector, sql, imported);
        extractor.run(hits);
        if (extractor.deps.size) deps[file.path] = [...extractor.deps].sort();
      } finally {
        src.parsed.dispose();
      }
    }
  } finally {
    options.cache?.disposeAll();
  }
  return { ...collector.result(), ...(Object.keys(deps).length ? { deps } : {}) };
}

/** Every direct call by name in the text (`name(`), from the text alone: the name and where it starts. */
function* callsIn(text: string): Generator<{ name: string; at: number }> {
  const call = /(?<![\w.])([A-Za-z_]\w*)[ \t]*\(/g;
  for (let m = call.exec(text); m; m = call.exec(text)) yield { name: m[1]!, at: m.index };
}

/** Every name the text calls directly. */
function calledNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const c of callsIn(text)) names.add(c.name);
  return names;
}

const TOP_LEVEL_DEF = /^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm;

/** The body of the module-level function whose `def` starts at `at`: up to the next line at column 0 that is code. */
function bodyOf(text: string, at: number): string {
  const nl = text.indexOf('\n', at);
  if (nl < 0) return text.slice(at);
  const next = /\n(?=[^\s#])/g;
  next.lastIndex = nl;
  const m = next.exec(text);
  return text.slice(at, m ? m.index : text.length);
}

/** `helperNames` of a registry's project, read once (the fingerprint and the extractor both ask). */
const namesByRegistry = new WeakMap<OrmRegistry, { files: number; names: string[] }>();

/** Names of module-level functions that return something and whose body can start a query (a manager or
 * related accessor after a dot, as `findHits` reads them), in any of `files`; sorted: the possible query helpers. */
export function helperNames(files: SourceFile[], registry: OrmRegistry): string[] {
  const known = namesByRegistry.get(registry);
  if (known && known.files === files.length) return known.names;
  const names = readHelperNames(files, registry);
  namesByRegistry.set(registry, { files: files.length, names });
  return names;
}

function readHelperNames(files: SourceFile[], registry: OrmRegistry): string[] {
  const names = new Set<string>();
  for (const file of files) {
    TOP_LEVEL_DEF.lastIndex = 0;
    for (let m = TOP_LEVEL_DEF.exec(file.text); m; m = TOP_LEVEL_DEF.exec(file.text)) {
      const body = bodyOf(file.text, m.index);
      if (!/\breturn\b/.test(body)) continue;
      if (findHits(body, registry).some((h) => h.kind === 'manager')) names.add(m[1]!);
    }
  }
  return [...names].sort();
}


/**
 * What decides which files without a query of their own are read for the helpers they call: each such
 * file with the helper names it calls (`file\0name`, sorted). Part of the ORM fingerprint: when it changes,
 * what was extracted before is stale; a new helper nobody calls from such a file changes nothing.
 */
export function helperCallers(files: SourceFile[], registry: OrmRegistry): string[] {
  const names = new Set(helperNames(files, registry));
  if (!names.size) return [];
  const out: string[] = [];
  for (const file of files) {
    if (isMigration(file) || findHits(file.text, registry).length) continue;
    for (const name of calledNames(file.text)) if (names.has(name)) out.push(`${file.path}\0${name}`);
  }
  return out.sort();
}

/** A collector whose patterns nobody reads (a helper's module, read for its helpers only). */
const discard = (): PatternCollector => new PatternCollector([]);

/** The query helpers of the project's other modules, each module read once (helpers.ts). */
class ImportedHelpers {
  private readonly modules: ProjectModuleIndex;
  private readonly names: Set<string>;
  private readonly byPath = new Map<string, Map<string, QsState | undefined>>();
  private readonly reading = new Set<string>();
  private readonly packages: Set<string>;

  constructor(
    private readonly project: ProjectModules,
    private readonly registry: OrmRegistry,
    private readonly interp: Interpreter,
    private readonly sql: SqlCache,
  ) {
    this.modules = new ProjectModuleIndex(project.paths);
    this.packages = packageDirs(project.paths);
    const names = helperNames(
      project.paths.flatMap((path) => {
        const text = project.text(path);
        return text === undefined ? [] : [{ path, text }];
      }),
      registry,
    );
    this.names = new Set(names);
  }

  /** The text calls a name some module defines as a helper (then the file is worth reading). */
  mayCall(text: string): boolean {
    if (!this.names.size) return false;
    for (const name of calledNames(text)) if (this.names.has(name)) return true;
    return false;
  }

  /**
   * Local names of `module` bound by import to another module's query helper, with the helper's queryset.
   * `consulted` gets every project file whose function the text calls by an imported name, helper or
   * not: if that file changes, the function may become one (or stop being one).
   */
  helpersFor(module: ModuleInfo, text: string, consulted: Set<string>, depth: number): Map<string, QsState> {
    const out = new Map<string, QsState>();
    if (depth > 2) return out;
    const called = calledNames(text);
    for (const local of module.bindings.keys()) {
      if (!called.has(local)) continue;
      const target = this.modules.target(module, local);
      if (!target) continue;
      consulted.add(target.path);
      if (!this.names.has(target.name)) continue;
      const state = this.helpersOf(target.path, depth)?.get(target.name);
      if (state) out.set(local, state);
    }
    return out;
  }

  private helpersOf(path: string, depth: number): Map<string, QsState | undefined> | undefined {
    const known = this.byPath.get(path);
    if (known) return known;
    if (this.reading.has(path)) return undefined; // an import cycle: not followed
    const text = this.project.text(path);
    if (text === undefined) return undefined;
    this.reading.add(path);
    try {
      const src = parseSource({ path, text }, this.packages);
      try {
        const extractor = new FileExtractor(src, this.registry, this.interp, discard(), this.sql, this, depth + 1);
        extractor.run(findHits(text, this.registry));
        this.byPath.set(path, extractor.moduleHelpers);
        return extractor.moduleHelpers;
      } finally {
        src.parsed.dispose();
      }
    } finally {
      this.reading.delete(path);
    }
  }
}

/**
 * Django and Alembic migrations run once, at deploy time, against historical models
 * (`apps.get_model(…)`): their SQL and queries are not the application's query patterns.
 */
function isMigration(file: SourceFile): boolean {
  return /(^|[\\/])migrations[\\/][^\\/]+\.py$/.test(file.path) || /^\s*(from alembic import|import alembic)\b/m.test(file.text);
}

/** Offsets of the names that can start a query, from the text alone. */
function findHits(text: string, registry: OrmRegistry): Hit[] {
  const hits: Hit[] = [];
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m; m = ATTRIBUTE.exec(text)) {
    const name = m[1]!;
    const kind = SQL_METHODS.has(name) ? 'sql' : registry.managerNames.has(name) || registry.accessors.has(name) ? 'manager' : undefined;
    if (kind) hits.push({ offset: m.index + m[0].length - name.length, name, kind });
  }
  CALLEE.lastIndex = 0;
  for (let m = CALLEE.exec(text); m; m = CALLEE.exec(text)) hits.push({ offset: m.index, name: m[1]!, kind: 'call' });
  return hits.sort((a, b) => a.offset - b.offset);
}

/** Something that happens to the querysets of a function, in source order. */
interface Event {
  at: number;
  kind: 'chain' | 'rebind' | 'augment';
  /** chain: the outermost expression of the chain. */
  node?: PyNode;
  /** chain: `name = <chain>`; rebind / augment: the variable. */
  target?: Target;
  name?: string;
  /** rebind: the assignment (by start offset; -1: a loop variable, always a new value). */
  assignment?: number;
  operator?: string;
  /** chain: the value of a `return` statement. */
  returned?: boolean;
}

interface Target {
  name: string;
  /** Start offset of the assignment (its identity). */
  assignment: number;
}

interface Scope {
  fn?: { start: number; end: number };
  /** The function's name, when it is defined at module level (a query helper candidate). */
  fnName?: string;
  info: ScopeInfo;
  chains: Event[];
}

interface Flow {
  locals: Map<string, QsState>;
  assignedBy: Map<string, number>;
}

/** The expression at `path[top]` is what a `return` statement returns (through parentheses). */
function isReturned(path: Level[], top: number): boolean {
  let m = top;
  while (m > 0 && path[m - 1]!.type === 'parenthesized_expression') m--;
  return path[m - 1]?.type === 'return_statement';
}

const PARAMETER_TYPES = new Set(['parameters', 'lambda_parameters', 'default_parameter', 'typed_parameter', 'typed_default_parameter', 'list_splat_pattern', 'dictionary_splat_pattern']);

class FileExtractor {
  private readonly parsed: ParsedPython;
  private readonly env: ValueEnv;
  private readonly text: string;
  private readonly seen = new Set<string>();
  /** Module-level functions that return one queryset (undefined: more than one `return` of a queryset). */
  private readonly helpers = new Map<string, QsState | undefined>();
  /** Helpers are learnt in the first pass only (their callers are read in the second). */
  private learning = true;
  /** Other files whose query helpers this one uses. */
  readonly deps = new Set<string>();
  /** Imported names bound to another module's query helper. */
  private imports = new Map<string, QsState>();

  constructor(
    private readonly src: ParsedSource,
    private readonly registry: OrmRegistry,
    private readonly interp: Interpreter,
    private readonly out: PatternCollector,
    private readonly sql: SqlCache,
    private readonly imported?: ImportedHelpers,
    private readonly depth = 0,
  ) {
    this.parsed = src.parsed;
    this.text = src.file.text;
    const module = registry.source(src.file.path)?.module ?? src.module;
    const ev = src.ev;
    this.env = {
      file: src.file.path,
      text: src.file.text,
      module,
      registry,
      constants: (name) => {
        const node = ev.constantNode(name);
        return node ? ev.evaluate(node) : undefined;
      },
    };
  }

  /** The module's own query helpers, by name (undefined: ambiguous). */
  get moduleHelpers(): Map<string, QsState | undefined> {
    return this.helpers;
  }

  run(hits: Hit[]): void {
    const locator = makeLocator(this.parsed);
    try {
      const scopes = new Map<number, Scope>();
      for (const hit of hits) this.hit(hit, locator, scopes);
      for (const scope of scopes.values()) this.runScope(scope, locator);
      this.helperCalls(locator);
    } finally {
      locator.dispose();
    }
  }

  private hit(hit: Hit, locator: PathLocator, scopes: Map<number, Scope>): void {
    const path = locator.identifierPath(hit.offset, hit.offset + hit.name.length);
    if (!path) return;
    const n = path.length - 1;
    const parent = path[n - 1];
    if (!parent) return;
    const isAttribute = parent.type === 'attribute' && path[n]!.field === 'attribute';
    if (hit.kind === 'sql') {
      if (isAttribute && path[n - 2]?.type === 'call' && path[n - 1]!.field === 'function') this.rawSql(locator.nodeAt(n - 2), hit.name);
      return;
    }
    if (hit.kind === 'call') {
      const callDepth = parent.type === 'call' && path[n]!.field === 'function' ? n - 1 : isAttribute && path[n - 2]?.type === 'call' && path[n - 1]!.field === 'function' ? n - 2 : -1;
      if (callDepth < 0) return;
      if (hit.name === 'RawSQL') this.rawSql(locator.nodeAt(callDepth), 'RawSQL');
      else this.addChain(path, chainTopIndex(path, callDepth), locator, scopes);
      return;
    }
    if (isAttribute) this.addChain(path, chainTopIndex(path, n - 1), locator, scopes);
  }

  private addChain(path: Level[], top: number, locator: PathLocator, scopes: Map<number, Scope>): void {
    const level = path[top]!;
    const key = `${level.start}:${level.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    let fnDepth = -1;
    let classDepth = -1;
    for (let i = top - 1; i >= 0; i--) {
      if (path[i]!.type === 'function_definition' && fnDepth < 0) fnDepth = i;
      else if (path[i]!.type === 'class_definition') {
        classDepth = i;
        break;
      }
    }
    const event: Event = { at: level.start, kind: 'chain', node: locator.nodeAt(top) };
    const target = this.assignmentTarget(path, top);
    if (target) event.target = target;
    if (isReturned(path, top)) event.returned = true;
    const scopeKey = fnDepth >= 0 ? path[fnDepth]!.start : -1 - (classDepth >= 0 ? path[classDepth]!.start : 0);
    let scope = scopes.get(scopeKey);
    if (!scope) {
      const info: ScopeInfo = {};
      if (classDepth >= 0) {
        const name = locator.nodeAt(classDepth).childForFieldName('name');
        if (name) info.className = this.parsed.textOf(name);
      }
      scope = { info, chains: [] };
      if (fnDepth >= 0) {
        scope.fn = { start: path[fnDepth]!.start, end: path[fnDepth]!.end };
        const topLevel = classDepth < 0 && !path.slice(0, fnDepth).some((l) => l.type === 'function_definition');
        const name = topLevel ? locator.nodeAt(fnDepth).childForFieldName('name') : null;
        if (name) scope.fnName = this.parsed.textOf(name);
      }
      scopes.set(scopeKey, scope);
    }
    scope.chains.push(event);
  }

  /**
   * Second pass: calls of the module's query helpers (`def active_rules(c): return Rule.objects.filter(…)`)
   * and of those it imports from other modules (helpers.ts), anywhere in the file, read as chains on the
   * queryset the helper returns.
   */
  private helperCalls(locator: PathLocator): void {
    if (this.imported) this.imports = this.imported.helpersFor(this.env.module, this.text, this.deps, this.depth);
    const names = [...[...this.helpers].filter(([, state]) => state).map(([name]) => name), ...[...this.imports.keys()].filter((n) => !this.helpers.has(n))];
    if (!names.length) return;
    this.learning = false;
    const scopes = new Map<number, Scope>();
    const wanted = new Set(names);
    for (const { name, at } of callsIn(this.text)) {
      if (!wanted.has(name)) continue;
      const path = locator.identifierPath(at, at + name.length);
      if (!path) continue;
      const n = path.length - 1;
      if (path[n - 1]?.type !== 'call' || path[n]!.field !== 'function') continue;
      this.addChain(path, chainTopIndex(path, n - 1), locator, scopes);
    }
    for (const scope of scopes.values()) this.runScope(scope, locator);
  }

  /** `name = <path[top]>` (through parentheses; also `name: T = …` and `(name := …)`). */
  private assignmentTarget(path: Level[], top: number): Target | undefined {
    let m = top;
    while (m > 0 && path[m - 1]!.type === 'parenthesized_expression') m--;
    const parent = path[m - 1];
    if (!parent) return undefined;
    const isAssign = (parent.type === 'assignment' && path[m]!.field === 'right') || (parent.type === 'named_expression' && path[m]!.field === 'value');
    if (!isAssign) return undefined;
    const name = /^([A-Za-z_]\w*)\s*(?::(?!=)|=(?!=)|:=)/.exec(this.text.slice(parent.start, Math.min(parent.end, parent.start + 200)));
    return name ? { name: name[1]!, assignment: parent.start } : undefined;
  }

  private runScope(scope: Scope, locator: PathLocator): void {
    if (!scope.fn) {
      for (const e of scope.chains) this.chain(e, undefined, scope.info);
      return;
    }
    const events: Event[] = [...scope.chains];
    // Variables that hold a queryset: assigned a chain, or another such variable (to a fixpoint).
    const tracked = new Set<string>();
    const pending: string[] = [];
    const note = (e: Event) => {
      const name = e.target?.name;
      if (name && !tracked.has(name)) {
        tracked.add(name);
        pending.push(name);
      }
    };
    scope.chains.forEach(note);
    while (pending.length) {
      const name = pending.pop()!;
      for (const e of this.occurrences(name, scope.fn, locator)) {
        events.push(e);
        note(e);
      }
    }
    events.sort((a, b) => a.at - b.at || (a.kind === 'chain' ? -1 : 1));
    const flow: Flow = { locals: new Map(), assignedBy: new Map() };
    for (const e of events) {
      if (e.kind === 'augment') {
        const state = flow.locals.get(e.name!);
        if (state) flow.locals.set(e.name!, { ...state, problems: [...state.problems, `\`${e.name} ${e.operator ?? ''} …\` combines querysets: the combined condition is not followed`] });
      } else if (e.kind === 'rebind') {
        if (flow.assignedBy.get(e.name!) !== e.assignment) {
          flow.locals.delete(e.name!);
          flow.assignedBy.delete(e.name!);
        }
      } else this.chain(e, flow, scope.info, scope.fnName);
    }
  }

  /** Uses of a variable in a function: chains it starts, and assignments that rebind it. */
  private occurrences(name: string, fn: { start: number; end: number }, locator: PathLocator): Event[] {
    const out: Event[] = [];
    const re = new RegExp(`(?<![\\w.])${name}\\b`, 'g');
    re.lastIndex = fn.start;
    for (let m = re.exec(this.text); m && m.index < fn.end; m = re.exec(this.text)) {
      const path = locator.identifierPath(m.index, m.index + name.length);
      if (!path) continue;
      const n = path.length - 1;
      const parent = path[n - 1];
      const field = path[n]!.field;
      if (!parent || PARAMETER_TYPES.has(parent.type)) continue;
      if ((parent.type === 'keyword_argument' && field === 'name') || (parent.type === 'attribute' && field === 'attribute')) continue;
      if (parent.type === 'assignment' && field === 'left') {
        out.push({ at: parent.end, kind: 'rebind', name, assignment: parent.start });
        continue;
      }
      if (parent.type === 'augmented_assignment' && field === 'left') {
        const op = /^\s*([^\s\w]+=)/.exec(this.text.slice(m.index + name.length, parent.end));
        out.push({ at: parent.end, kind: 'augment', name, ...(op ? { operator: op[1]! } : {}) });
        continue;
      }
      if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && field === 'left') {
        out.push({ at: path[n]!.end, kind: 'rebind', name, assignment: -1 });
        continue;
      }
      const top = chainTopIndex(path, n);
      const level = path[top]!;
      const key = `${level.start}:${level.end}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const event: Event = { at: level.start, kind: 'chain', node: locator.nodeAt(top) };
      const target = this.assignmentTarget(path, top);
      if (target) event.target = target;
      if (isReturned(path, top)) event.returned = true;
      out.push(event);
    }
    return out;
  }

  private chain(e: Event, flow: Flow | undefined, info: ScopeInfo, fnName?: string): void {
    const top = e.node!;
    const chain = readChain(top, this.parsed, this.src.ev);
    let outcome: Outcome;
    const helper =
      chain.base.kind === 'name' && !flow?.locals.has(chain.base.name) && chain.ops[0]?.kind === 'call'
        ? this.helpers.get(chain.base.name) ?? (this.helpers.has(chain.base.name) ? undefined : this.imports.get(chain.base.name))
        : undefined;
    if (helper) {
      // `active_rules(customer).order_by(…)`: the queryset the module's helper returns, refined here.
      outcome = this.interp.run(helper, chain.ops, 1, this.env);
    } else if (chain.base.kind === 'name' && SHORTCUTS.has(chain.base.name) && chain.ops[0]?.kind === 'call') {
      const state = shortcutModel(chain, flow?.locals, this.env, this.interp);
      if (!state) return;
      outcome = this.interp.shortcut(state, chain.ops[0], this.env, chain.base.name.includes('list'));
      if (outcome.kind === 'queryset') outcome = this.interp.run(outcome.state, chain.ops, 1, this.env);
    } else {
      const source = chainSource(chain, flow?.locals, this.env, this.interp, info);
      if (!source) return;
      if ('skip' in source) {
        this.skip(source.span, source.skip);
        return;
      }
      outcome = this.interp.run(source.state, chain.ops, source.from, this.env);
    }
    if (outcome.kind === 'queryset' && e.returned && fnName && this.learning) {
      this.helpers.set(fnName, this.helpers.has(fnName) ? undefined : outcome.state);
    }
    switch (outcome.kind) {
      case 'queryset':
        if (e.target && flow) {
          flow.locals.set(e.target.name, outcome.state);
          flow.assignedBy.set(e.target.name, e.target.assignment);
          return;
        }
        this.emit(this.interp.terminal(outcome.state, 'iterate', chain.span));
        return;
      case 'query':
        this.emit(outcome);
        return;
      case 'skip':
        this.skip(outcome.span, outcome.reason);
        return;
      default:
        return;
    }
  }

  private emit(outcome: Outcome): void {
    if (outcome.kind !== 'query') return;
    const { state } = outcome;
    const location = { file: this.env.file, span: outcome.span };
    const text = shortText(this.text.slice(outcome.span.start, outcome.span.end), 240);
    if (state.problems.length) {
      this.out.skip({ location, reason: state.problems[0]!, text });
      return;
    }
    const table = this.registry.concrete(state.model).table;
    const groups = new Map<string, { table: string; terms: QueryPattern['terms'] }>([['', { table, terms: [] }]]);
    for (const t of state.terms) {
      let g = groups.get(t.key);
      if (!g) groups.set(t.key, (g = { table: t.table, terms: [] }));
      g.terms.push(t.term);
    }
    const joined = groups.size > 1;
    const orderLocal = outcome.orderBy.length > 0 && outcome.orderBy.every((o) => o.column !== undefined);
    for (const [key, g] of groups) {
      const main = key === '';
      const pattern: QueryPattern = {
        table: g.table,
        terms: g.terms,
        orderBy: main ? outcome.orderBy : [],
        locations: [location],
        source: 'orm',
        statement: main ? outcome.statement : 'select',
        text,
      };
      if (main && outcome.limit !== undefined && (!joined || orderLocal)) pattern.limit = outcome.limit;
      this.out.add(pattern);
    }
  }

  private skip(span: Span, reason: string): void {
    this.out.skip({ location: { file: this.env.file, span }, reason, text: shortText(this.text.slice(span.start, span.end), 240) });
  }

  private rawSql(call: PyNode, kind: string): void {
    const key = `sql:${call.startIndex}:${call.endIndex}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const set = rawSqlPatterns({ call, kind }, this.env.file, this.parsed, this.src.ev, this.sql);
    for (const p of set.patterns) this.out.add(p);
    for (const s of set.skipped) this.out.skip(s);
  }
}
