// Fixes for plain SQL migration files. Each fix rewrites the statement's own text (found with the
// PostgreSQL scanner, never a regex over SQL) and, when the statement would then have to run outside a
// transaction, deals with the transaction the way the file's runner needs (see outsideTransaction).
import type { SqlToken } from '../sql/parser.js';
import { statementTokens } from '../sql/statements.js';
import { sectionOf } from '../sql/transactions.js';
import type { AddConstraintOp, CreateIndexOp, DropIndexOp, Fix, FixSafety, Operation, ReindexOp, Span, TextEdit } from '../types.js';
import type { FixContext, FixProvider } from './provider.js';

type IndexOp = CreateIndexOp | DropIndexOp | ReindexOp;


function after(tokens: SqlToken[], ...words: string[]): SqlToken | undefined {
  return tokens.find((t) => words.includes(t.upper));
}

/** The statement's text with an insertion made at a file offset inside it. */
function withInsertion(text: string, span: Span, at: number, insert: string): string {
  return text.slice(span.start, at) + insert + text.slice(at, span.end);
}

/** Deletes a statement together with its line break and indentation, so no blank line is left behind. */
export function deleteStatement(text: string, span: Span): TextEdit {
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = span.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  else if (start > 0 && text[start - 1] === '\n') start--;
  return { start, end, newText: '' };
}

function concurrentlyCreateText(text: string, op: CreateIndexOp): string | undefined {
  const tokens = statementTokens(text, op);
  const index = after(tokens, 'INDEX');
  if (!index) return undefined;
  const insert = op.name && !op.ifNotExists ? ' CONCURRENTLY IF NOT EXISTS' : ' CONCURRENTLY';
  return withInsertion(text, op.span, index.span.end, insert);
}

/** A file name for a new migration right after this one, in the runner's naming scheme. */
function nextSequenceName(path: string, runner: string): string {
  const slash = path.lastIndexOf('/') + 1;
  const dir = path.slice(0, slash);
  const base = path.slice(slash);
  if (runner === 'prisma' && base === 'migration.sql') {
    const parent = dir.replace(/\/$/, '');
    const cut = parent.lastIndexOf('/') + 1;
    const m = /^(\d+)(_.*)?$/.exec(parent.slice(cut));
    const next = m ? `${bump(m[1]!)}${m[2] ?? ''}_concurrently` : `${parent.slice(cut)}_concurrently`;
    return `${parent.slice(0, cut)}${next}/migration.sql`;
  }
  const flyway = /^V((?:\d+[._])*)(\d+)__(.+)(\.sql)$/.exec(base);
  if (flyway) return `${dir}V${flyway[1]}${bump(flyway[2]!)}__${flyway[3]}_concurrently${flyway[4]}`;
  const m = /^(\d+)(_[^.]*)?(\..*)$/.exec(base);
  if (m) return `${dir}${bump(m[1]!)}${m[2] ?? ''}_concurrently${m[3]}`;
  const dot = base.indexOf('.');
  return dot < 0 ? `${path}_concurrently` : `${dir}${base.slice(0, dot)}_concurrently${base.slice(dot)}`;
}

function bump(digits: string): string {
  return (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
}

/** The content of a split-out migration holding one statement, with the runner's markers. */
function splitFileText(runner: string, statement: string): string {
  switch (runner) {
    case 'dbmate':
      return `-- migrate:up transaction:false\n${statement}\n\n-- migrate:down\n`;
    case 'goose':
      return `-- +goose NO TRANSACTION\n-- +goose Up\n${statement}\n`;
    default:
      return `${statement}\n`;
  }
}

const isIndexWork = (o: Operation) => o.kind === 'create-index' || o.kind === 'drop-index' || o.kind === 'reindex';
const isTx = (o: Operation, ...actions: string[]) => o.kind === 'transaction' && actions.includes(o.action);

/**
 * Makes `op` run outside any transaction block, its statement replaced by `newText`. Tries, in order:
 * removing a BEGIN/COMMIT that wraps only index work; the runner's no-transaction directive; a new
 * migration file of its own; moving it after the explicit block. Undefined when nothing in the file
 * can achieve it (e.g. every file runs in one transaction).
 */
function outsideTransaction(op: Operation, newText: string, ctx: FixContext, title: string, baseSafety: FixSafety): Fix | undefined {
  const { migration } = ctx;
  const text = migration.file.text;
  const sections = migration.sections ?? [];
  const section = sectionOf(sections, op.span.start);
  const replace: TextEdit = { start: op.span.start, end: op.span.end, newText };
  if (!op.inTransaction || !section) return { title, safety: baseSafety, edits: [replace] };
  const inSection = migration.operations.filter((o) => sectionOf(sections, o.span.start) === section);
  const statements = inSection.filter((o) => o.kind !== 'transaction');
  const before = inSection.filter((o) => o.span.start < op.span.start);
  const lastControl = [...before].reverse().find((o) => isTx(o, 'begin', 'commit', 'rollback'));
  const explicit = lastControl && isTx(lastControl, 'begin') ? lastControl : undefined;
  const end = explicit && inSection.find((o) => o.span.start > op.span.start && isTx(o, 'commit', 'rollback'));
  const members = explicit
    ? statements.filter((o) => o.span.start > explicit.span.start && (!end || o.span.start < end.span.start))
    : [];

  // 1. An explicit BEGIN … COMMIT around index work only: drop the wrapper.
  if (explicit && end && isTx(end, 'commit') && members.every(isIndexWork)) {
    const stillWrapped = section.wrapped || (section.implicitMulti && statements.length > 1);
    if (!stillWrapped) {
      return {
        title: `${title}, and remove the BEGIN/COMMIT around it`,
        safety: baseSafety,
        edits: [deleteStatement(text, explicit.span), replace, deleteStatement(text, end.span)],
      };
    }
  }
  // 2. The runner's no-transaction directive.
  const optOut = section.optOut;
  if (section.wrapped && optOut && !section.optedOut && !explicit && (!optOut.alone || statements.length === 1)) {
    return {
      title: `${title}, and run the migration outside a transaction (${optOut.text.trim()})`,
      safety: statements.every(isIndexWork) ? baseSafety : 'unsafe',
      edits: [{ start: optOut.insertAt, end: optOut.insertAt, newText: optOut.text }, replace],
    };
  }
  // 3. A migration of its own.
  if (section.canSplit && statements.length > 1 && !explicit) {
    const path = nextSequenceName(migration.file.path, migration.runner);
    return {
      title: `${title}, in a new migration of its own (${path.slice(path.lastIndexOf('/') + 1)})`,
      safety: 'unsafe',
      edits: [deleteStatement(text, op.span)],
      createFiles: [{ path, text: splitFileText(migration.runner, newText) }],
    };
  }
  // 4. Out of the explicit block, after its COMMIT.
  if (explicit && !section.wrapped && !section.implicitMulti) {
    const insertAt = end ? end.span.end : text.length;
    return {
      title: `${title}, moved after the transaction block`,
      safety: 'unsafe',
      edits: [deleteStatement(text, op.span), { start: insertAt, end: insertAt, newText: `\n${newText}` }],
    };
  }
  return undefined;
}

function dropStatementTexts(text: string, op: DropIndexOp): string[] | undefined {
  const tokens = statementTokens(text, op).filter((t) => t.text !== ';');
  const index = after(tokens, 'INDEX');
  if (!index) return undefined;
  let i = tokens.indexOf(index) + 1;
  if (tokens[i]?.upper === 'CONCURRENTLY') i++;
  if (tokens[i]?.upper === 'IF' && tokens[i + 1]?.upper === 'EXISTS') i += 2;
  const names: SqlToken[][] = [[]];
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.upper === 'CASCADE' || t.upper === 'RESTRICT') break;
    if (t.text === ',') names.push([]);
    else names[names.length - 1]!.push(t);
  }
  const head = `DROP INDEX CONCURRENTLY${op.ifExists ? ' IF EXISTS' : ''}`;
  return names
    .filter((n) => n.length)
    .map((n) => `${head} ${text.slice(n[0]!.span.start, n[n.length - 1]!.span.end)};`);
}

function uniqueIndexText(text: string, op: AddConstraintOp): string | undefined {
  if (op.commandCount !== 1 || (op.constraint !== 'unique' && op.constraint !== 'primary-key')) return undefined;
  const tokens = statementTokens(text, op).filter((t) => t.span.start >= op.clause.start && t.span.end <= op.clause.end);
  const kw = after(tokens, 'UNIQUE', 'PRIMARY');
  if (!kw) return undefined;
  let i = tokens.indexOf(kw) + (kw.upper === 'PRIMARY' ? 2 : 1);
  if (tokens[i]?.text !== '(') return undefined;
  const open = tokens[i]!;
  let depth = 0;
  for (; i < tokens.length; i++) {
    if (tokens[i]!.text === '(') depth++;
    else if (tokens[i]!.text === ')' && --depth === 0) break;
  }
  if (i !== tokens.length - 1) return undefined; // INCLUDE / WITH / DEFERRABLE…: leave it to a human
  const columns = text.slice(open.span.start, tokens[i]!.span.end);
  const stmt = statementTokens(text, op);
  const addAt = stmt.findIndex((t) => t.upper === 'ADD');
  let first = stmt.findIndex((t) => t.upper === 'TABLE') + 1;
  while (first < addAt && ['IF', 'EXISTS', 'ONLY'].includes(stmt[first]!.upper)) first++;
  if (first <= 0 || first >= addAt) return undefined;
  const table = text.slice(stmt[first]!.span.start, stmt[addAt - 1]!.span.end);
  const name = op.name ?? (op.constraint === 'primary-key' ? `${op.table}_pkey` : `${op.table}_${op.columns.join('_')}_key`);
  const quoted = /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
  const kind = op.constraint === 'primary-key' ? 'PRIMARY KEY' : 'UNIQUE';
  return `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoted} ON ${table} ${columns};\nALTER TABLE ${table} ADD CONSTRAINT ${quoted} ${kind} USING INDEX ${quoted};`;
}

function one(fix: Fix | undefined): Fix[] {
  return fix ? [fix] : [];
}

export const sqlFixes: FixProvider = {
  createIndexConcurrently(op, ctx) {
    const newText = concurrentlyCreateText(ctx.migration.file.text, op);
    return newText ? one(outsideTransaction(op, newText, ctx, 'Build the index CONCURRENTLY', 'safe')) : [];
  },

  dropIndexConcurrently(op, ctx) {
    const texts = dropStatementTexts(ctx.migration.file.text, op);
    if (!texts?.length) return [];
    const safety: FixSafety = op.cascade ? 'unsafe' : 'safe';
    const title = `Drop ${texts.length > 1 ? 'each index in its own statement' : 'the index'} CONCURRENTLY${op.cascade ? ' (without CASCADE: drop dependent objects first)' : ''}`;
    return one(outsideTransaction(op, texts.join('\n'), ctx, title, safety));
  },

  reindexConcurrently(op, ctx) {
    const text = ctx.migration.file.text;
    const tokens = statementTokens(text, op);
    const target = after(tokens, 'INDEX', 'TABLE', 'SCHEMA', 'DATABASE');
    if (!target) return [];
    const newText = withInsertion(text, op.span, target.span.end, ' CONCURRENTLY');
    return one(outsideTransaction(op, newText, ctx, 'Rebuild CONCURRENTLY', 'safe'));
  },

  runOutsideTransaction(op: IndexOp, ctx) {
    const text = ctx.migration.file.text;
    return one(outsideTransaction(op, text.slice(op.span.start, op.span.end), ctx, 'Run the statement outside a transaction', 'safe'));
  },

  uniqueConstraintUsingIndex(op, ctx) {
    const newText = uniqueIndexText(ctx.migration.file.text, op);
    if (!newText) return [];
    const safety: FixSafety = op.constraint === 'primary-key' ? 'unsafe' : 'safe';
    return one(outsideTransaction(op, newText, ctx, 'Build the unique index CONCURRENTLY, then attach it with USING INDEX', safety));
  },

  addIfNotExists(op, ctx) {
    const tokens = statementTokens(ctx.migration.file.text, op);
    const concurrently = after(tokens, 'CONCURRENTLY');
    if (!concurrently) return [];
    return [{ title: 'Add IF NOT EXISTS', safety: 'safe', edits: [{ start: concurrently.span.end, end: concurrently.span.end, newText: ' IF NOT EXISTS' }] }];
  },
};

export { nextSequenceName };
