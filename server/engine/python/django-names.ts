// Names Django derives: app label from the migration's path, table names, and the index / constraint
// names its schema editor generates (`_create_index_name`, `truncate_name`), reproduced exactly so that
// fixes can write SQL that matches what `migrate` would have created.
import { createHash } from 'node:crypto';
import type { Vendor } from '../types.js';

/** `<app>/migrations/0001_x.py` → `<app>` (the package holding `migrations`). */
export function appLabelFromPath(path: string): string | undefined {
  const parts = path.replace(/\\/g, '/').split('/').filter(Boolean);
  const at = parts.lastIndexOf('migrations');
  if (at > 0 && at === parts.length - 2) return parts[at - 1];
  return undefined;
}

/** `0025_add_missing_indexes_phase6.py` → `0025_add_missing_indexes_phase6`. */
export function migrationNameFromPath(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  return base.replace(/\.py$/, '');
}

/** PostgreSQL's NAMEDATALEN - 1; Django's SQLite backend has no limit (it uses 200 for generated names). */
export function maxNameLength(vendor: Vendor): number | undefined {
  return vendor === 'postgresql' ? 63 : undefined;
}

function namesDigest(args: string[], length: number): string {
  const h = createHash('md5');
  for (const a of args) h.update(Buffer.from(a, 'utf8'));
  return h.digest('hex').slice(0, length);
}

/** `django.db.backends.utils.truncate_name`. */
export function truncateName(identifier: string, length: number | undefined, hashLength = 4): string {
  if (length === undefined || identifier.length <= length) return identifier;
  return identifier.slice(0, length - hashLength) + namesDigest([identifier], hashLength);
}

/** Default `db_table`: `<app_label>_<model_name lowercased>`, truncated like Django does. */
export function defaultTableName(appLabel: string, model: string, vendor: Vendor): string {
  return truncateName(`${appLabel}_${model.toLowerCase()}`, maxNameLength(vendor));
}

/** `BaseDatabaseSchemaEditor._create_index_name(table, columns, suffix)`. */
export function djangoIndexName(table: string, columns: string[], suffix: string, vendor: Vendor): string {
  const max = maxNameLength(vendor) ?? 200;
  let hashSuffix = namesDigest([table, ...columns], 8) + suffix;
  let name = `${table}_${columns.join('_')}_${hashSuffix}`;
  if (name.length <= max) return name;
  if (hashSuffix.length > max / 3) hashSuffix = hashSuffix.slice(0, Math.floor(max / 3));
  const other = Math.floor((max - hashSuffix.length) / 2) - 1;
  name = `${table.slice(0, other)}_${columns.join('_').slice(0, other)}_${hashSuffix}`;
  if (name[0] === '_' || /^[0-9]/.test(name)) name = `D${name.slice(0, -1)}`;
  return name;
}

/** The name PostgreSQL gives an inline `UNIQUE` column constraint: `<table>_<column>_key` (≤ 63 chars). */
export function postgresUniqueKeyName(table: string, column: string): string {
  // PostgreSQL's ChooseRelationName shortens the longer part first; for ordinary lengths this is exact.
  let t = table;
  let c = column;
  while (t.length + c.length + 5 > 63) {
    if (t.length >= c.length) t = t.slice(0, -1);
    else c = c.slice(0, -1);
  }
  return `${t}_${c}_key`;
}

/** The lookups of Django's core fields (`field__gte=…`): what a migration's `Q(…)` can use. */
export const DJANGO_CORE_LOOKUPS: readonly string[] = [
  'exact',
  'iexact',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'isnull',
  'range',
  'contains',
  'icontains',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'regex',
  'iregex',
];
