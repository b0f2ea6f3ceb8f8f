// The `shop` fixture project (test/fixtures/orm/shop): four apps (core, upstream, catalog with a
// models/ package, orders with app label `sales`), imports across files, a custom manager and a
// custom queryset, related managers with and without related_name, a queryset refined over several
// lines, Meta.ordering, raw SQL through cursor.execute and .raw(), and the seed's two queries.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, FIXTURES, readProject, ready, type Row } from './helpers.js';

beforeAll(() => ready);

const EXPECTED: (Row & { why: string })[] = [
  { why: 'related manager inside a model method (`self`)', at: 'catalog/models/category.py:14:16', table: 'catalog_product', where: 'category_id = self AND deleted_at IS NULL', order: 'created_at DESC' },
  { why: 'reverse FK without related_name (`product_set`), Meta.ordering from the abstract base', at: 'catalog/services.py:11:12', table: 'catalog_product', where: 'category_id = category AND active', order: 'created_at DESC' },
  { why: 'custom manager get_queryset() filter, first() keeps Meta.ordering', at: 'catalog/services.py:15:12', table: 'catalog_product', where: 'deleted_at IS NULL AND category_id = category_id', order: 'created_at DESC', limit: 1 },
  {
    why: 'local queryset refined over four statements, consumed by a slice',
    at: 'catalog/services.py:25:12',
    table: 'catalog_product',
    where: 'active AND stock <> 0 AND price <= max_price AND upper(name::text) LIKE upper(text) OR sku::text LIKE text.upper()',
    order: 'name ASC',
    limit: 'page_size',
  },
  { why: 'get_object_or_404 is a get() (at most 21 rows)', at: 'catalog/services.py:29:12', table: 'catalog_product', where: 'sku = sku', limit: 21 },
  { why: 'get() drops the ordering', at: 'catalog/services.py:33:12', table: 'catalog_category', where: 'slug = slug', limit: 21 },
  { why: 'a local queryset consumed by list(); FK to self by instance', at: 'catalog/services.py:35:23', table: 'catalog_category', where: 'parent_id = root', order: 'name ASC' },
  { why: 'reverse many-to-many (related_name) reads the target table…', at: 'catalog/services.py:39:12', table: 'catalog_product', where: 'id = catalog_product_tags.product_id AND stock > 0', order: 'created_at DESC' },
  { why: '…through the automatic through table', at: 'catalog/services.py:39:12', table: 'catalog_product_tags', where: 'tag_id = tag AND product_id = catalog_product.id' },
  { why: 'date transform and contains are not index lookups', at: 'catalog/services.py:43:12', table: 'catalog_product', where: "(created_at)::date = day AND name::text LIKE '%sale%'", order: 'created_at DESC' },
  { why: 'a lookup across a FK joins the related table…', at: 'catalog/services.py:47:12', table: 'catalog_category', where: 'id = catalog_product.category_id AND slug = slug' },
  { why: '…and the local FK column is the join key', at: 'catalog/services.py:47:12', table: 'catalog_product', where: 'category_id = catalog_category.id AND price BETWEEN 0 AND 10', order: 'created_at DESC' },
  { why: 'raw SQL in a module constant (implicit concatenation)', at: 'orders/services.py:11:6', table: 'sales_order', where: 'status = $1 AND customer_id = $2' },
  { why: 'related manager with related_name + custom queryset method (as_manager)', at: 'orders/services.py:17:12', table: 'sales_order', where: "customer_id = customer AND status = 'open'" },
  { why: 'custom queryset method with an argument and order_by, then first()', at: 'orders/services.py:21:12', table: 'sales_order', where: 'customer_id = customer', order: 'placed_at DESC', limit: 1 },
  { why: 'latest() uses Meta.get_latest_by; a class constant is a constant', at: 'orders/services.py:25:12', table: 'sales_order', where: "customer_id = customer_id AND status = 'paid'", order: 'placed_at DESC', limit: 1 },
  { why: 'exclude() across a reverse FK: the related table is probed by the subquery…', at: 'orders/services.py:29:12', table: 'sales_order', where: "customer_id = upstream_customer.id AND status = 'cancelled'" },
  {
    why: '…the model (imported as `from upstream import models as m`) keeps a NOT EXISTS',
    at: 'orders/services.py:29:12',
    table: 'upstream_customer',
    where: "name LIKE prefix AND NOT EXISTS (SELECT 1 FROM sales_order WHERE sales_order.customer_id = upstream_customer.id AND sales_order.status = 'cancelled')",
  },
  { why: 'related manager chain with order_by', at: 'orders/services.py:33:12', table: 'sales_orderline', where: 'order_id = order', order: 'id ASC' },
  { why: '`customer__id` is the local FK column; count() has no order', at: 'orders/services.py:37:12', table: 'sales_order', where: 'customer_id = customer.id' },
  { why: '~Q on a NOT NULL column is <>; exists() is LIMIT 1', at: 'orders/services.py:41:12', table: 'sales_order', where: "status <> 'open' AND customer_id = customer", limit: 1 },
  { why: 'update() with pk__in', at: 'orders/services.py:45:12', table: 'sales_order', where: 'id = ANY(ids) AND total IS NOT NULL', statement: 'update' },
  { why: 'cursor.execute with a triple-quoted literal', at: 'orders/services.py:52:13', table: 'sales_order', where: "status = 'paid' AND placed_at >= $1" },
  { why: 'Model.objects.raw()', at: 'orders/services.py:69:36', table: 'sales_order', where: 'customer_id = $1', order: 'placed_at DESC' },
  { why: 'an unfiltered queryset returned as is', at: 'orders/services.py:79:12', table: 'sales_order', where: '' },
  { why: 'a class-level queryset (a view)', at: 'orders/services.py:83:16', table: 'sales_order', where: "status = 'open'" },
  { why: 'seed: AlertRule evaluation query', at: 'upstream/alerts/services.py:6:12', table: 'upstream_alertrule', where: 'customer_id = customer AND enabled', order: 'routing_priority DESC' },
  { why: 'seed: the evaluation helper iterated by its caller in the same module', at: 'upstream/alerts/services.py:13:17', table: 'upstream_alertrule', where: 'customer_id = customer AND enabled', order: 'routing_priority DESC' },
  { why: 'seed: UserProfile permission query', at: 'upstream/api/permissions.py:10:12', table: 'upstream_userprofile', where: "customer_id = customer AND role = 'owner'" },
];

describe('the shop fixture project', () => {
  const source = readProject(join(FIXTURES, 'shop'));
  const run = () => analyze(source);

  it('finds every query with its table, terms, order, limit and location', () => {
    expect(run().rows).toEqual(EXPECTED.map(({ why: _why, ...row }) => row));
  });

  it('reports what it skips, with the reason', () => {
    expect(run().skips).toEqual([
      { at: 'orders/services.py:74:24', reason: 'an f-string with interpolations: the SQL is only known at run time' },
      { at: 'orders/services.py:79:51', reason: '`sales_order.id` names no table of the FROM clause' },
    ]);
  });

  it('gives the seed queries the exact terms the fit engine reads', () => {
    const { patterns } = run();
    const profile = patterns.find((p) => p.table === 'upstream_userprofile')!;
    expect(profile).toMatchObject({
      terms: [
        { op: '=', column: 'customer_id', value: { param: true, name: 'customer' } },
        { op: '=', column: 'role', value: 'owner' },
      ],
      orderBy: [],
      source: 'orm',
      statement: 'select',
      text: 'UserProfile.objects.filter(customer=customer, role="owner").count()',
    });
    const rule = patterns.find((p) => p.table === 'upstream_alertrule')!;
    expect(rule.terms).toEqual([
      { op: '=', column: 'customer_id', value: { param: true, name: 'customer' } },
      { op: 'bool', column: 'enabled', value: true },
    ]);
    expect(rule.orderBy).toEqual([{ column: 'routing_priority', direction: 'desc' }]);
  });

  it('spans the whole query expression', () => {
    const { patterns } = run();
    const search = patterns.find((p) => p.limit && typeof p.limit === 'object')!;
    const file = source.find((f) => f.path === 'catalog/services.py')!;
    const span = search.locations[0]!.span;
    expect(file.text.slice(span.start, span.end)).toBe('qs.order_by("name")[:page_size]');
  });
});
