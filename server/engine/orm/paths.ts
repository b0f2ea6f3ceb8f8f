// Lookup paths (`customer__name__istartswith`) → the table and column they constrain, and the joins
// Django makes to get there. Each join gives both sides a join-key term (`customer_id = <join
// upstream_customer.id>` on one side, `id = <join upstream_userprofile.customer_id>` on the other), as
// sql-patterns.ts does for a SQL join, so each table gets its own pattern.
//
// FK shortcuts Django resolves without a join: `customer`, `customer_id`, `customer__id`, `customer__pk`
// (and `customer__<to_field>`) are the local `customer_id` column.
import { DJANGO_CORE_LOOKUPS } from '../python/django-names.js';
import type { Term } from '../query/types.js';
import type { OrmRegistry } from './registry.js';
import type { OrmField, OrmModel } from './types.js';

export interface ResolvedPath {
  /** '' for the queried model's own table, else the join key. */
  key: string;
  model: OrmModel;
  field: OrmField;
  column: string;
  /** Transforms after the field (`date`, `lower`, JSON keys), then the lookup. */
  transforms: string[];
  lookup: string;
  /** Join terms to add (both sides of every join on the way). */
  joins: { key: string; table: string; term: Term }[];
  /** The path crosses a multi-valued relation (reverse FK, many-to-many). */
  multiValued: boolean;
}

/** The lookups a query's keyword can end with: Django's core ones and those of django.contrib.postgres. */
export const LOOKUPS = new Set([
  ...DJANGO_CORE_LOOKUPS,
  'search',
  'trigram_similar',
  'unaccent',
  'overlap',
  'contained_by',
  'has_key',
  'has_keys',
  'has_any_keys',
  'len',
]);

function joinTerm(column: string, table: string, otherColumn: string): Term {
  return { op: '=', column, value: { param: true, join: `${table}.${otherColumn}` } };
}

/** The column a FK stores: the target's `to_field` column or primary key. */
function targetColumn(registry: OrmRegistry, field: OrmField, target: OrmModel): string {
  const to = field.relation?.toField ? registry.field(target, field.relation.toField) : undefined;
  return to?.column ?? target.pk.column ?? 'id';
}

/** The through table of a many-to-many field declared on `owner`: table, owner-side and target-side columns. */
export function throughTable(registry: OrmRegistry, owner: OrmModel, field: OrmField, target: OrmModel): { table: string; ownerColumn: string; targetColumn: string } {
  const through = field.relation?.through ? registry.model(field.relation.through) : undefined;
  if (through) {
    const fks = [...through.fields.values()].filter((f) => f.relation && f.relation.kind !== 'm2m');
    const toOwner = fks.find((f) => f.relation?.target === owner.label);
    const toTarget = fks.find((f) => f.relation?.target === target.label && f !== toOwner);
    if (toOwner?.column && toTarget?.column) return { table: through.table, ownerColumn: toOwner.column, targetColumn: toTarget.column };
  }
  const self = owner.label === target.label;
  const o = owner.name.toLowerCase();
  const t = target.name.toLowerCase();
  return {
    table: `${owner.table}_${field.name}`,
    ownerColumn: self ? `from_${o}_id` : `${o}_id`,
    targetColumn: self ? `to_${t}_id` : `${t}_id`,
  };
}

export type PathResult = { path: ResolvedPath } | { problem: string };

/** Resolves `a__b__c` on `model`. */
export function resolvePath(registry: OrmRegistry, model: OrmModel, path: string): PathResult {
  const parts = path.split('__');
  let current = registry.concrete(model);
  let key = '';
  const joins: ResolvedPath['joins'] = [];
  let multiValued = false;
  const hop = (nextKey: string, from: { table: string; column: string }, to: { table: string; column: string }) => {
    joins.push({ key, table: from.table, term: joinTerm(from.column, to.table, to.column) });
    joins.push({ key: nextKey, table: to.table, term: joinTerm(to.column, from.table, from.column) });
    key = nextKey;
  };
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    const keyed = key ? `${key}__${name}` : name;
    const field = registry.field(current, name);
    if (field?.relation && field.relation.kind !== 'm2m' && field.column) {
      const target = field.relation.target ? registry.model(field.relation.target) : undefined;
      const next = parts[i + 1];
      const afterNext = parts[i + 2];
      const toColumn = target ? targetColumn(registry, field, target) : 'id';
      const byAttname = name === field.attname && name !== field.name;
      if (byAttname || next === undefined || LOOKUPS.has(next) || !target) return finish(current, field, field.column, parts.slice(i + 1));
      const targetField = registry.field(target, next);
      // `customer__id`, `customer__pk`: the value the FK column holds, no join needed.
      if (targetField?.column === toColumn && (afterNext === undefined || LOOKUPS.has(afterNext))) return finish(current, field, field.column, parts.slice(i + 2));
      if (!targetField && !registry.reverseRelation(target, next)) return finish(current, field, field.column, parts.slice(i + 1));
      hop(keyed, { table: current.table, column: field.column }, { table: registry.concrete(target).table, column: toColumn });
      current = registry.concrete(target);
      continue;
    }
    if (field?.relation?.kind === 'm2m') {
      const target = field.relation.target ? registry.model(field.relation.target) : undefined;
      if (!target) return { problem: `\`${name}\`: the many-to-many target \`${field.relation.targetText}\` is not a model idxlint knows` };
      const t = throughTable(registry, current, field, target);
      const throughKey = `${keyed}#through`;
      hop(throughKey, { table: current.table, column: current.pk.column ?? 'id' }, { table: t.table, column: t.ownerColumn });
      hop(keyed, { table: t.table, column: t.targetColumn }, { table: registry.concrete(target).table, column: target.pk.column ?? 'id' });
      current = registry.concrete(target);
      multiValued = true;
      if (i === parts.length - 1 || LOOKUPS.has(parts[i + 1]!)) return finish(current, current.pk, current.pk.column ?? 'id', parts.slice(i + 1));
      continue;
    }
    if (field?.column) return finish(current, field, field.column, parts.slice(i + 1));
    const reverse = registry.reverseRelation(current, name);
    if (reverse) {
      const other = registry.model(reverse.model);
      const rf = other ? other.fields.get(reverse.field) : undefined;
      if (!other || !rf) return { problem: `\`${name}\`: the related model is not known` };
      if (reverse.kind === 'reverse-m2m') {
        const t = throughTable(registry, other, rf, current);
        const throughKey = `${keyed}#through`;
        hop(throughKey, { table: current.table, column: current.pk.column ?? 'id' }, { table: t.table, column: t.targetColumn });
        hop(keyed, { table: t.table, column: t.ownerColumn }, { table: registry.concrete(other).table, column: other.pk.column ?? 'id' });
      } else {
        const fromColumn = targetColumn(registry, rf, current);
        hop(keyed, { table: current.table, column: fromColumn }, { table: registry.concrete(other).table, column: rf.column ?? `${rf.name}_id` });
      }
      if (reverse.kind !== 'reverse-o2o') multiValued = true;
      current = registry.concrete(other);
      if (i === parts.length - 1 || LOOKUPS.has(parts[i + 1]!)) return finish(current, current.pk, current.pk.column ?? 'id', parts.slice(i + 1));
      continue;
    }
    // Multi-table inheritance: a parent's field, one join up through `<parent>_ptr`.
    const parent = current.parent && !current.proxy ? registry.model(current.parent) : undefined;
    const link = parent ? [...current.fields.values()].find((f) => f.relation?.parentLink) : undefined;
    if (parent && link?.column && registry.field(parent, name)) {
      const parentKey = key ? `${key}__${link.name}` : link.name;
      hop(parentKey, { table: current.table, column: link.column }, { table: parent.table, column: parent.pk.column ?? 'id' });
      current = parent;
      i--;
      continue;
    }
    return { problem: `\`${name}\` is not a field of ${current.label} (an annotation, or a field idxlint cannot see)` };
  }
  return { problem: `empty lookup \`${path}\`` };

  function finish(m: OrmModel, field: OrmField, column: string, rest: string[]): PathResult {
    const last = rest[rest.length - 1];
    const lookup = last !== undefined && LOOKUPS.has(last) ? last : 'exact';
    const transforms = lookup === last ? rest.slice(0, -1) : rest;
    return { path: { key, model: m, field, column, transforms, lookup, joins, multiValued } };
  }
}
