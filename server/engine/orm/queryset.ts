// A queryset chain replayed statically: `Model.objects.filter(…).exclude(…).order_by(…)[:10].first()`
// → the terms per table, the order and the limit of the query Django sends, following Django's own
// rules (django/db/models/query.py):
//
// - `first()` orders by `pk` when the queryset is unordered (no `order_by`, no `Meta.ordering`),
//   `last()` reverses the ordering (or `-pk`); both LIMIT 1. `latest()` / `earliest()` order by their
//   fields (or `Meta.get_latest_by`), LIMIT 1.
// - `get()` / `exists()` / `count()` / `aggregate()` / `update()` / `delete()` drop the ordering;
//   `get()` and `exists()` LIMIT 1.
// - `Meta.ordering` is the order when the chain has none, except after `values(…).annotate(…)` (GROUP BY).
// - Slicing: `[:10]` → LIMIT 10, `[5:15]` → LIMIT 10, `[3]` → LIMIT 1.
// - A custom manager's `get_queryset()` and custom manager / queryset methods whose body is
//   `return <chain>` are replayed with their arguments (a literal passed in stays a constant).
import type { PyKeyword, PyValue } from '../python/values.js';
import type { OrderTerm, Param, Term, Value } from '../query/types.js';
import type { Span } from '../types.js';
import type { Chain, ChainOp } from './chain.js';
import { termKey } from './collect.js';
import { callCond, constrain } from './conditions.js';
import { flipOrder, orderFromString, orderFromValue } from './ordering.js';
import type { OrmRegistry } from './registry.js';
import type { OrmManager, OrmMethod, OrmModel } from './types.js';
import { literalOf, param, shortText, sourceText, toValue, type ValueEnv } from './values.js';

export interface ScopedTerm {
  /** '' for the queried table, else the join path that reached `table`. */
  key: string;
  table: string;
  term: Term;
}

export interface QsState {
  model: OrmModel;
  terms: ScopedTerm[];
  /** Explicit `order_by`; undefined: the model's `Meta.ordering`. */
  order?: OrderTerm[];
  reversed: boolean;
  limit?: number | Param;
  /** Project manager / queryset classes whose methods the chain can call. */
  methods: string[];
  problems: string[];
  /** `values(…)` was called (an `annotate()` after it groups). */
  values: boolean;
  grouped: boolean;
}

export type Outcome =
  /** Still a lazy queryset at the end of the chain (iterated, returned, passed on…). */
  | { kind: 'queryset'; state: QsState; span: Span }
  /** A method that runs the query. */
  | { kind: 'query'; state: QsState; method: string; statement: 'select' | 'update' | 'delete'; orderBy: OrderTerm[]; limit?: number | Param; span: Span }
  /** No query with a WHERE (`none()`, `create()`, `bulk_create()`, `raw()`…). */
  | { kind: 'nothing' }
  /** An attribute of the queryset (`qs.query`, `qs.model`): nothing runs here. */
  | { kind: 'value' }
  | { kind: 'skip'; reason: string; span: Span };

/** Methods that return a new queryset without changing what an index sees. */
const PASS_THROUGH = new Set([
  'all',
  'select_related',
  'prefetch_related',
  'only',
  'defer',
  'distinct',
  'using',
  'select_for_update',
  'alias',
  'dates',
  'datetimes',
]);

/** Writes and constructors: no SELECT with a WHERE to match indexes against. */
const NO_QUERY = new Set(['none', 'create', 'bulk_create', 'bulk_update', 'add', 'set', 'clear', 'remove', 'raw', 'as_manager', 'abulk_create', 'acreate']);

const ASYNC = new Set([
  'aget',
  'afirst',
  'alast',
  'alatest',
  'aearliest',
  'aexists',
  'acount',
  'aaggregate',
  'aupdate',
  'adelete',
  'ain_bulk',
  'aget_or_create',
  'aupdate_or_create',
  'acontains',
  'aiterator',
  'aexplain',
]);

export function plainState(model: OrmModel, methods: string[] = []): QsState {
  return { model, terms: [], reversed: false, methods, problems: [], values: false, grouped: false };
}

export class Interpreter {
  private readonly managerCache = new Map<string, QsState | { problem: string }>();

  constructor(readonly registry: OrmRegistry) {}

  /** `Model.<manager>`: the queryset its `get_queryset()` returns. */
  managerState(model: OrmModel, manager: OrmManager): QsState {
    const key = `${model.label}|${manager.attr}|${manager.classes.join(',')}`;
    let state = this.managerCache.get(key);
    if (!state) {
      state = this.getQueryset(model, manager.classes, 0, 0);
      this.managerCache.set(key, state);
    }
    if ('problem' in state) return { ...plainState(model, manager.classes), problems: [state.problem] };
    return state;
  }

  private getQueryset(model: OrmModel, classes: string[], start: number, depth: number): QsState | { problem: string } {
    for (let i = start; i < classes.length && depth < 8; i++) {
      const cls = this.registry.querysetClasses.get(classes[i]!);
      const method = cls?.methods.get('get_queryset');
      if (!cls || !method) continue;
      const chain = method.chain;
      if (!chain) return { problem: `\`${cls.name}.get_queryset()\` is not a single \`return <queryset>\`: its filter is unknown` };
      let base: QsState | { problem: string };
      let from: number;
      if (isSuperGetQueryset(chain)) {
        base = this.getQueryset(model, classes, i + 1, depth + 1);
        from = 3;
      } else if (chain.base.kind === 'name' && chain.ops[0]?.kind === 'call') {
        // `QuerySet(self.model, using=self._db)`, `self._queryset_class(…)`, `RuleQuerySet(self.model)`.
        base = plainState(model, classes);
        from = 1;
      } else if (chain.base.kind === 'name' && chain.base.name === 'self' && chain.ops[0]?.kind === 'attr' && chain.ops[0].name === '_queryset_class') {
        base = plainState(model, classes);
        from = 2;
      } else return { problem: `\`${cls.name}.get_queryset()\` does not start from \`super().get_queryset()\`: its filter is unknown` };
      if ('problem' in base) return base;
      const env = this.methodEnv(method, new Map());
      if (!env) return { problem: `\`${cls.name}.get_queryset()\`: its module is not known` };
      const outcome = this.run({ ...base, methods: classes }, chain.ops, from, env, depth + 1);
      if (outcome.kind !== 'queryset') return { problem: `\`${cls.name}.get_queryset()\` does not return a plain queryset` };
      return outcome.state;
    }
    return plainState(model, classes);
  }

  private methodEnv(method: OrmMethod, bindings: Map<string, Value>): ValueEnv | undefined {
    const src = this.registry.source(method.file);
    return src ? { file: method.file, text: src.text, module: src.module, registry: this.registry, bindings } : undefined;
  }

  /** Applies `ops[from…]` to `state`. */
  run(state: QsState, ops: ChainOp[], from: number, env: ValueEnv, depth = 0): Outcome {
    let current = state;
    let span: Span | undefined = from > 0 ? ops[from - 1]?.span : undefined;
    for (let i = from; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.kind === 'subscript') {
        span = op.span;
        if (op.slice) {
          if (op.step) return { kind: 'skip', reason: 'a slice with a step runs the query in Python', span: op.span };
          current = { ...current, limit: sliceLimit(op.lower, op.upper, env) };
          continue;
        }
        return this.terminal(current, 'index', op.span);
      }
      if (op.kind === 'call') return { kind: 'value' };
      const next = ops[i + 1];
      if (next?.kind !== 'call') return { kind: 'value' };
      i++;
      span = next.span;
      const result = this.method(current, op.name, next, env, depth);
      if ('kind' in result) return result;
      current = result.state;
    }
    return { kind: 'queryset', state: current, span: span ?? { start: 0, end: 0 } };
  }

  private method(state: QsState, name: string, call: Extract<ChainOp, { kind: 'call' }>, env: ValueEnv, depth: number): { state: QsState } | Outcome {
    const method = ASYNC.has(name) ? name.slice(1) : name;
    const { args, kwargs, span } = call;
    switch (method) {
      case 'filter':
        return { state: this.filter(state, args, kwargs, call, env, false) };
      case 'exclude':
        return { state: this.filter(state, args, kwargs, call, env, true) };
      case 'order_by':
        return { state: { ...state, order: args.map((a) => orderFromValue(this.registry, state.model, a, (v) => shortText(sourceText(env, v.span)))), reversed: false } };
      case 'reverse':
        return { state: { ...state, reversed: !state.reversed } };
      case 'values':
      case 'values_list':
        return { state: { ...state, values: true } };
      case 'annotate':
        return { state: state.values ? { ...state, grouped: true } : state };
      case 'union':
      case 'intersection':
      case 'difference':
        return { kind: 'skip', reason: `\`${method}()\` combines querysets: each part would need its own pattern`, span };
      case 'extra':
        return { kind: 'skip', reason: '`extra()` adds raw SQL to the query', span };
      case 'get':
      case 'get_or_create':
      case 'update_or_create': {
        const lookups = method === 'get' ? kwargs : kwargs.filter((k) => k.name !== 'defaults' && k.name !== 'create_defaults');
        const filtered = this.filter(state, method === 'get' ? args : [], lookups, call, env, false);
        return this.terminal(filtered, 'get', span);
      }
      case 'in_bulk': {
        const ids = args[0] ?? kwargs.find((k) => k.name === 'id_list')?.value;
        const field = kwargs.find((k) => k.name === 'field_name')?.value;
        const fieldName = field?.type === 'str' ? field.str.value : 'pk';
        const filtered = ids && ids.type !== 'none' ? this.filter(state, [], [{ name: `${fieldName}__in`, value: ids, span: ids.span }], call, env, false) : state;
        return this.terminal(filtered, 'in_bulk', span);
      }
      case 'contains': {
        const obj = args[0];
        const filtered = obj ? this.addTerms(state, [{ key: '', table: state.model.table, term: { op: '=', column: state.model.pk.column ?? 'id', value: param(`${shortText(sourceText(env, obj.span))}.pk`) } }]) : state;
        return this.terminal(filtered, 'exists', span);
      }
      case 'latest':
      case 'earliest': {
        const fields = args.length ? args : [];
        const order = fields.length
          ? fields.map((f) => orderFromValue(this.registry, state.model, f, (v) => shortText(sourceText(env, v.span))))
          : state.model.getLatestBy.map((f) => orderFromString(this.registry, state.model, f));
        if (!order.length) return { kind: 'skip', reason: `\`${method}()\` without fields and without \`Meta.get_latest_by\`: Django raises`, span };
        return this.terminal({ ...state, order: method === 'latest' ? flipOrder(order) : order, reversed: false }, method, span);
      }
      case 'first':
      case 'last':
      case 'exists':
      case 'count':
      case 'aggregate':
      case 'update':
      case 'delete':
      case 'iterator':
      case 'explain':
        return this.terminal(state, method, span);
    }
    if (PASS_THROUGH.has(method)) return { state };
    if (NO_QUERY.has(method)) return { kind: 'nothing' };
    const custom = this.registry.method(state.methods, name);
    if (custom) return this.replay(state, custom, call, env, depth);
    return { kind: 'skip', reason: `\`${name}()\` is not a queryset method idxlint knows (a custom method it cannot read?)`, span };
  }

  /** `get_object_or_404(Model, *q, **lookups)` (a get) / `get_list_or_404(…)` (a filtered queryset). */
  shortcut(state: QsState, call: Extract<ChainOp, { kind: 'call' }>, env: ValueEnv, list: boolean): Outcome {
    const filtered = this.filter(state, call.args.slice(1), call.kwargs, call, env, false);
    return list ? { kind: 'queryset', state: filtered, span: call.span } : this.terminal(filtered, 'get', call.span);
  }

  private filter(state: QsState, args: PyValue[], kwargs: PyKeyword[], call: Extract<ChainOp, { kind: 'call' }>, env: ValueEnv, negated: boolean): QsState {
    const c = constrain(callCond(args, kwargs, call.span), state.model, env, negated);
    let next = this.addTerms(state, c.terms);
    if (call.opaque) {
      const text = `${negated ? 'exclude' : 'filter'}(${shortText(sourceText(env, call.span).replace(/^[\s\S]*?\(/, ''), 80)}`;
      next = this.addTerms(next, [{ key: '', table: state.model.table, term: { op: 'other', text, key: text, columns: [] } }]);
    }
    if (c.problems.length) next = { ...next, problems: [...next.problems, ...c.problems] };
    return next;
  }

  private addTerms(state: QsState, terms: ScopedTerm[]): QsState {
    if (!terms.length) return state;
    const seen = new Set(state.terms.map((t) => `${t.key}|${termKey(t.term, true)}`));
    const added = terms.filter((t) => {
      const k = `${t.key}|${termKey(t.term, true)}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return { ...state, terms: [...state.terms, ...added] };
  }

  /** A method that runs the query: its order and limit, by Django's rules. */
  terminal(state: QsState, method: string, span: Span): Outcome {
    const effective = this.effectiveOrder(state);
    const pk = state.model.pk.column ?? 'id';
    let orderBy: OrderTerm[] = effective;
    let limit = state.limit;
    let statement: 'select' | 'update' | 'delete' = 'select';
    switch (method) {
      case 'first':
        orderBy = effective.length ? effective : [{ column: pk, direction: 'asc' }];
        limit = 1;
        break;
      case 'last':
        orderBy = effective.length ? flipOrder(effective) : [{ column: pk, direction: 'desc' }];
        limit = 1;
        break;
      case 'latest':
      case 'earliest':
      case 'index':
        limit = 1;
        break;
      case 'get':
        // QuerySet.get(): the ordering cleared, and at most MAX_GET_RESULTS (21) rows fetched, enough to
        // tell "more than one" apart (django/db/models/query.py).
        orderBy = [];
        limit = 21;
        break;
      case 'exists':
        orderBy = [];
        limit = 1;
        break;
      case 'count':
      case 'aggregate':
      case 'in_bulk':
        orderBy = [];
        break;
      case 'update':
      case 'delete':
        orderBy = [];
        limit = undefined;
        statement = method;
        break;
    }
    const out: Outcome = { kind: 'query', state, method, statement, orderBy, span };
    if (limit !== undefined) out.limit = limit;
    return out;
  }

  effectiveOrder(state: QsState): OrderTerm[] {
    const base = state.order ?? (state.grouped ? [] : state.model.ordering.map((o) => orderFromString(this.registry, state.model, o)));
    return state.reversed ? flipOrder(base) : base;
  }

  /** A custom manager / queryset method: its returned chain, run on `state` with the call's arguments. */
  private replay(state: QsState, method: OrmMethod, call: Extract<ChainOp, { kind: 'call' }>, env: ValueEnv, depth: number): { state: QsState } | Outcome {
    const chain = method.chain;
    if (!chain || depth > 6) return { kind: 'skip', reason: `custom method \`${method.name}()\` is not a single \`return <queryset>\``, span: call.span };
    const bindings = new Map<string, Value>();
    method.params.forEach((p, i) => {
      const arg = call.args[i] ?? call.kwargs.find((k) => k.name === p)?.value;
      bindings.set(p, arg ? toValue(arg, env) : param(p));
    });
    const inner = this.methodEnv(method, bindings);
    if (!inner) return { kind: 'skip', reason: `custom method \`${method.name}()\`: its module is not known`, span: call.span };
    const start = replayStart(chain);
    if (start === undefined) return { kind: 'skip', reason: `custom method \`${method.name}()\` does not start from \`self\``, span: call.span };
    const outcome = this.run(state, chain.ops, start, inner, depth + 1);
    // The query runs where the method is called: locate it there.
    if (outcome.kind === 'queryset') return { state: outcome.state };
    if (outcome.kind === 'query' || outcome.kind === 'skip') return { ...outcome, span: call.span };
    return outcome;
  }
}

/** `super().get_queryset()` / `super(Cls, self).get_queryset()`. */
function isSuperGetQueryset(chain: Chain): boolean {
  const [a, b, c] = chain.ops;
  return chain.base.kind === 'name' && chain.base.name === 'super' && a?.kind === 'call' && b?.kind === 'attr' && b.name === 'get_queryset' && c?.kind === 'call';
}

/** Where a method's chain continues the caller's queryset: after `self`, `self.get_queryset()` or `self.all()`. */
function replayStart(chain: Chain): number | undefined {
  if (chain.base.kind !== 'name') return undefined;
  if (chain.base.name === 'self') {
    const [a, b] = chain.ops;
    if (a?.kind === 'attr' && a.name === 'get_queryset' && b?.kind === 'call') return 2;
    return 0;
  }
  if (isSuperGetQueryset(chain)) return 3;
  return undefined;
}

function sliceLimit(lower: PyValue | undefined, upper: PyValue | undefined, env: ValueEnv): number | Param | undefined {
  if (!upper || upper.type === 'none') return undefined;
  const hi = literalOf(upper);
  const lo = lower && lower.type !== 'none' ? literalOf(lower) : 0;
  if (typeof hi === 'number' && typeof lo === 'number') return Math.max(0, hi - lo);
  return param(shortText(sourceText(env, upper.span)));
}
