// Query-fit fixes for Alembic: a new revision in the versions folder of the one that created the index,
// revising the folder's head(s), named by the project's `file_template` (alembic.ini; Alembic's default
// `%(rev)s_%(slug)s`), in the shape of Alembic's generic script template. upgrade() creates the new
// index and drops the old one inside `op.get_context().autocommit_block()` with
// `postgresql_concurrently=True` (Alembic runs upgrade() in a transaction, which CONCURRENTLY refuses;
// the block commits it and runs its body in autocommit mode); downgrade() undoes it the same way. A
// SQLite-only project gets plain operations. Key columns that are not plain names (a direction, NULLS
// placement, an opclass, an expression) are `sa.text(…)` elements, which SQLAlchemy renders into the
// column list as written; a predicate is `postgresql_where=` and, when the project also runs on SQLite,
// `sqlite_where=` (each dialect reads only its own).
//
// A revision that is not committed yet is also offered an edit in place: its `op.create_index(…)` call
// rewritten with the corrected key (same name, same flags), or removed (`pass` when it was the only
// statement of its block).
//
// The revision id is 12 hex digits, as Alembic's `uuid4().hex[-12:]`, but derived from the change and
// the heads, so the same finding offers the same file. `if_not_exists=` / `if_exists=` need Alembic ≥ 1.12
// (the Alembic fixes of the migration rules use them too).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAlembicMigration } from '../python/alembic.js';
import { pythonInfo } from '../python/model.js';
import { pyString } from '../python/fix-edits.js';
import type { IndexKeyColumn } from '../query/types.js';
import type { FixSources } from '../schema/types.js';
import { parsePython, type PyNode } from '../python/parser.js';
import type { CreateIndexOp, Fix, ProjectContext, Span, TextEdit } from '../types.js';
import { fileName, folderOf, indexText, latestQuote, quoteOf, sourceFile, type IndexChange, type IndexShape } from './new-migration-shared.js';
import { keyColumnText } from './new-migration-sql.js';
import { deleteStatement } from './sql.js';

export interface AlembicChangeContext {
  project: ProjectContext;
  sources: FixSources;
  /** The revision the new one goes after (the index's, or its table's). */
  anchor: string;
  /** The new index's name (replace / add). */
  name?: string;
}

interface Revision {
  path: string;
  text: string;
  revision: string;
  down: string[];
}

/** The Alembic revisions of each versions folder, read once per fix sources. */
const revisionsBySources = new WeakMap<FixSources, Map<string, Revision[]>>();

function revisionsIn(sources: FixSources, folder: string): Revision[] {
  let byFolder = revisionsBySources.get(sources);
  if (!byFolder) {
    byFolder = new Map();
    for (const m of sources.migrations) {
      if (m.runner !== 'alembic') continue;
      const info = pythonInfo(parseAlembicMigration({ path: m.path, text: m.text }, { vendors: [] }))?.alembic;
      if (!info?.revision) continue;
      const down = info.downRevision === undefined ? [] : Array.isArray(info.downRevision) ? info.downRevision : [info.downRevision];
      const list = byFolder.get(folderOf(m.path)) ?? [];
      list.push({ path: m.path, text: m.text, revision: info.revision, down });
      byFolder.set(folderOf(m.path), list);
    }
    revisionsBySources.set(sources, byFolder);
  }
  return byFolder.get(folder) ?? [];
}

/** Revisions no other revision of the folder revises, sorted. */
function headsOf(revisions: Revision[]): string[] {
  const revised = new Set(revisions.flatMap((r) => r.down));
  return revisions
    .map((r) => r.revision)
    .filter((r) => !revised.has(r))
    .sort();
}

/** `file_template` of the alembic.ini found from the versions folder upward (to the configuration root). */
function fileTemplate(folder: string, root: string): string {
  for (let dir = folder; ; dir = dirname(dir)) {
    const ini = join(dir, 'alembic.ini');
    if (existsSync(ini)) {
      const template = iniValue(readFileSync(ini, 'utf8'), 'alembic', 'file_template');
      return template ?? '%(rev)s_%(slug)s';
    }
    if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) return '%(rev)s_%(slug)s';
  }
}

/** A key of an INI section as Python's configparser reads it (`%%` is a literal `%`). */
function iniValue(text: string, section: string, key: string): string | undefined {
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1]!.trim();
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (current === section && pair && pair[1]!.toLowerCase() === key) return pair[2]!.replace(/%%/g, '%');
  }
  return undefined;
}

/** Alembic's slug: the message's words joined by `_`, lower case, cut at a word within 40 characters. */
function alembicSlug(message: string): string {
  let slug = (message.match(/\w+/g) ?? []).join('_').toLowerCase();
  if (slug.length > 40) slug = `${slug.slice(0, 40).replace(/_[^_]*$/, '')}_`;
  return slug;
}

/** The file name `file_template` gives; undefined for a token idxlint cannot fill. */
function renderTemplate(template: string, rev: string, slug: string, now: Date): string | undefined {
  const pad = (n: number) => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    rev,
    slug,
    year: String(now.getFullYear()),
    month: pad(now.getMonth() + 1),
    day: pad(now.getDate()),
    hour: pad(now.getHours()),
    minute: pad(now.getMinutes()),
    second: pad(now.getSeconds()),
    epoch: String(Math.floor(now.getTime() / 1000)),
  };
  let unknown = false;
  const name = template.replace(/%\((\w+)\)(?:\.\d+)?[sd]/g, (_, token: string) => {
    const value = values[token];
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown || /[%/\\]/.test(name) ? undefined : name;
}

// ---------------------------------------------------------------- operations

type Quote = "'" | '"';

function keyElement(c: IndexKeyColumn, q: Quote): string {
  const plain = c.column !== undefined && c.direction !== 'desc' && !c.nulls && !c.opclass && !c.collation && /^[a-z_][a-z0-9_]*$/.test(c.column);
  return plain ? pyString(c.column!, q) : `sa.text(${pyString(keyColumnText(c), q)})`;
}

interface Mode {
  concurrently: boolean;
  sqlite: boolean;
}

function createIndexCall(index: IndexShape & { name: string }, mode: Mode, q: Quote): string {
  const args = [pyString(index.name, q), pyString(index.table, q), `[${index.columns.map((c) => keyElement(c, q)).join(', ')}]`, `unique=${index.unique ? 'True' : 'False'}`];
  if (index.schema) args.push(`schema=${pyString(index.schema, q)}`);
  if (index.method && index.method !== 'btree') args.push(`postgresql_using=${pyString(index.method, q)}`);
  if (index.include.length) args.push(`postgresql_include=[${index.include.map((c) => pyString(c, q)).join(', ')}]`);
  if (index.predicateText) {
    args.push(`postgresql_where=sa.text(${pyString(index.predicateText, q)})`);
    if (mode.sqlite) args.push(`sqlite_where=sa.text(${pyString(index.predicateText, q)})`);
  }
  if (mode.concurrently) args.push('postgresql_concurrently=True', 'if_not_exists=True');
  return `op.create_index(${args.join(', ')})`;
}

function dropIndexCall(index: { name: string; table: string; schema?: string }, mode: Mode, q: Quote): string {
  const args = [pyString(index.name, q), `table_name=${pyString(index.table, q)}`];
  if (index.schema) args.push(`schema=${pyString(index.schema, q)}`);
  if (mode.concurrently) args.push('postgresql_concurrently=True', 'if_exists=True');
  return `op.drop_index(${args.join(', ')})`;
}

/** A function body: the calls, inside an autocommit block when they run concurrently. */
function body(calls: string[], mode: Mode): string[] {
  if (!mode.concurrently) return calls.map((c) => `    ${c}`);
  return ['    # CONCURRENTLY cannot run inside the transaction Alembic opens for the revision.', '    with op.get_context().autocommit_block():', ...calls.map((c) => `        ${c}`)];
}

function revisionText(message: string, rev: string, heads: string[], upgrade: string[], downgrade: string[], q: Quote): string {
  const down = heads.length === 1 ? pyString(heads[0]!, q) : `(${heads.map((h) => pyString(h, q)).join(', ')})`;
  return [
    `"""${message.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}`,
    '',
    `Revision ID: ${rev}`,
    `Revises: ${heads.join(', ')}`,
    '',
    'Generated by idxlint.',
    '"""',
    'from alembic import op',
    'import sqlalchemy as sa',
    '',
    '',
    '# revision identifiers, used by Alembic.',
    `revision = ${pyString(rev, q)}`,
    `down_revision = ${down}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade():',
    ...upgrade,
    '',
    '',
    'def downgrade():',
    ...downgrade,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- the fix

/** A new revision making the change. */
export function alembicNewMigrationFix(ctx: AlembicChangeContext, change: IndexChange, now = new Date()): Fix | undefined {
  const folder = folderOf(ctx.anchor);
  const revisions = revisionsIn(ctx.sources, folder);
  const heads = headsOf(revisions);
  if (!heads.length) return undefined;
  const mode: Mode = { concurrently: ctx.project.vendors.includes('postgresql'), sqlite: ctx.project.vendors.includes('sqlite') };
  const q: Quote = latestQuote(revisions);
  const next = change.kind !== 'drop' && ctx.name ? { ...change.next, name: ctx.name } : undefined;
  if (change.kind !== 'drop' && !next) return undefined;
  const old = change.kind === 'add' ? undefined : change.old;
  if (old && !old.name) return undefined;
  const oldShape = old && { ...old, name: old.name! };
  const up = [...(next ? [createIndexCall(next, mode, q)] : []), ...(oldShape ? [dropIndexCall(oldShape, mode, q)] : [])];
  const down = [...(oldShape ? [createIndexCall(oldShape, mode, q)] : []), ...(next ? [dropIndexCall(next, mode, q)] : [])];
  const message =
    change.kind === 'replace'
      ? `fix ${old!.name}: ${next!.name} ${indexText(next!)} replaces it`
      : change.kind === 'add'
        ? `add ${next!.name} ${indexText(next!)} on ${next!.table}`
        : `drop ${old!.name} ${indexText(old!)}`;
  const taken = new Set(revisions.map((r) => r.revision));
  let rev = '';
  for (let salt = 0; !rev || taken.has(rev); salt++) rev = createHash('sha1').update(`${relative(ctx.project.config.root, folder)}\0${heads.join(',')}\0${up.join('\n')}\0${salt}`).digest('hex').slice(-12);
  const slug = alembicSlug(change.kind === 'replace' ? `fix ${old!.name}` : change.kind === 'add' ? `add ${next!.name}` : `drop ${old!.name}`);
  const name = renderTemplate(fileTemplate(folder, ctx.project.config.root), rev, slug, now);
  if (!name) return undefined;
  const path = `${folder}/${name}.py`;
  if (sourceFile(ctx.sources, path)) return undefined;
  const text = revisionText(message, rev, heads, body(up, mode), body(down, mode), q);
  const how = mode.concurrently ? ' concurrently' : '';
  const file = fileName(path);
  const title =
    change.kind === 'add'
      ? `Create \`${next!.name}\` ${indexText(next!)}${how} in a new revision (${file})`
      : change.kind === 'drop'
        ? `Drop \`${old!.name}\`${how} in a new revision (${file})`
        : `Create \`${next!.name}\` ${indexText(next!)}${how}, then drop \`${old!.name}\`, in a new revision (${file})`;
  return { title, safety: 'unsafe', edits: [], createFiles: [{ path, text }] };
}

// ---------------------------------------------------------------- in place

/** The statement holding the call at `span` removed; `pass` in its place when the block would be left empty. */
function removeStatement(text: string, span: Span): TextEdit | undefined {
  const parsed = parsePython(text);
  try {
    // Down from the module to the innermost statement holding the call (offsets are UTF-16, as `span`).
    let node: PyNode | undefined;
    let block: PyNode | undefined;
    let at: PyNode = parsed.root;
    for (;;) {
      const inner = at.namedChildren.find((c) => c && parsed.span(c).start <= span.start && span.end <= parsed.span(c).end);
      if (!inner) break;
      if (inner.type === 'expression_statement') {
        node = inner;
        block = at;
      }
      at = inner;
    }
    if (!node || !block) return undefined;
    const statement = parsed.span(node);
    const siblings = block.namedChildren.filter((c) => c && c.type !== 'comment');
    if (siblings.length === 1) return { start: statement.start, end: statement.end, newText: 'pass' };
    return deleteStatement(text, statement);
  } finally {
    parsed.dispose();
  }
}

/** The index's own `op.create_index(…)` rewritten (replace) or removed (drop), in its revision that has not shipped yet. */
export function alembicInPlaceFix(ctx: { project: ProjectContext; sources: FixSources }, change: Exclude<IndexChange, { kind: 'add' }>, safety: Fix['safety']): Fix | undefined {
  const { old } = change;
  const file = old.origin!.file;
  const text = sourceFile(ctx.sources, file)?.text;
  if (text === undefined) return undefined;
  const migration = parseAlembicMigration({ path: file, text }, { vendors: ctx.project.vendors });
  const op = migration.operations.find((o): o is CreateIndexOp => o.kind === 'create-index' && o.span.start === old.origin!.span.start);
  if (!op?.name || migration.syntaxErrors.length) return undefined;
  if (change.kind === 'drop') {
    const edit = removeStatement(text, op.span);
    return edit && { title: `Remove \`${op.name}\` from ${fileName(file)} (not committed yet)`, safety, edits: [{ ...edit, file }] };
  }
  const q: Quote = quoteOf(text);
  const mode: Mode = { concurrently: op.concurrent, sqlite: ctx.project.vendors.includes('sqlite') };
  let call = createIndexCall({ ...change.next, name: op.name, ...(op.schema ? { schema: op.schema } : {}) }, { ...mode, concurrently: false }, q);
  // The flags the call had (a call outside an autocommit block stays outside it).
  const flags = [...(op.concurrent ? ['postgresql_concurrently=True'] : []), ...(op.ifNotExists ? ['if_not_exists=True'] : [])];
  if (flags.length) call = `${call.slice(0, -1)}, ${flags.join(', ')})`;
  const opName = pythonInfo(migration)?.alembic?.opName ?? 'op';
  if (opName !== 'op') call = `${opName}${call.slice(2)}`;
  return {
    title: `Change \`${op.name}\` in place to ${indexText(change.next)} (${fileName(file)} is not committed yet)`,
    safety,
    edits: [{ file, start: op.span.start, end: op.span.end, newText: call }],
  };
}
