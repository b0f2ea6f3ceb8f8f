// ORM chains → query patterns, one feature per case, against a small app (app/models.py). Each case is
// a service module; rows are `line:column` of the query in it, the table, the WHERE as SQL, ORDER BY and
// LIMIT (helpers.ts). Django's own rules are cited where they decide the answer.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, files, ready } from './helpers.js';

beforeAll(() => ready);

const MODELS = `
from django.db import models


class ActiveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(active=True)


class Customer(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(null=True)
    active = models.BooleanField(default=True)
    score = models.IntegerField(null=True)


class Team(models.Model):
    name = models.CharField(max_length=50)


class Member(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    role = models.CharField(max_length=20)
    joined = models.DateTimeField()
    active = models.BooleanField(default=True)

    objects = models.Manager()
    enabled = ActiveManager()

    class Meta:
        ordering = ["-joined"]


class Event(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events", null=True)
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    payload = models.JSONField(null=True)
`;

const HEADER = 'from django.db import connection\nfrom django.db.models import F, Q\n\nfrom app.models import *\n\nROLE = "owner"\n\n';

/** Rows of the patterns in app/services.py, `at` as `line:column` (the header is 7 lines). */
function run(code: string, extra: Record<string, string> = {}) {
  const source = files({ 'app/__init__.py': '', 'app/models.py': MODELS, ...extra });
  source.push({ path: 'app/services.py', text: HEADER + code.replace(/^\n/, '').replace(/^ {6}/gm, '') });
  const result = analyze(source);
  const local = (at: string) => (at.startsWith('app/services.py:') ? at.slice('app/services.py:'.length) : at);
  return {
    rows: result.rows.map((r) => ({ ...r, at: local(r.at) })),
    skips: result.skips.map((s) => ({ ...s, at: local(s.at) })),
    patterns: result.patterns,
  };
}

describe('lookups', () => {
  it('comparison, IN, range, isnull and None; kwargs in the order Django sorts them', () => {
    const { rows } = run(`
      def f(since, until, c):
          a = Event.objects.filter(kind__in=["a", "b", None], at__gte=since, at__lt=until).count()
          b = Event.objects.filter(at__range=(since, until), customer=None).count()
          c = Event.objects.filter(customer__isnull=False, kind__gt="m", at__lte=until).count()
          return a, b, c
    `);
    expect(rows).toEqual([
      { at: '9:9', table: 'app_event', where: "at >= since AND at < until AND kind IN ('a', 'b')" },
      { at: '10:9', table: 'app_event', where: 'at BETWEEN since AND until AND customer_id IS NULL' },
      { at: '11:9', table: 'app_event', where: "at <= until AND customer_id IS NOT NULL AND kind > 'm'" },
    ]);
  });

  it('startswith / istartswith / endswith are LIKE terms; contains, iexact, transforms, JSON keys and F() are opaque', () => {
    const { rows, patterns } = run(`
      def f(prefix, day):
          a = list(Customer.objects.filter(name__startswith="Ac_1", email__istartswith=prefix))
          b = list(Customer.objects.filter(name__endswith="Inc"))
          c = list(Customer.objects.filter(name__contains="x", email__iexact="A@B.C"))
          d = list(Event.objects.filter(at__date=day, payload__tier="gold", at__year__gte=2024))
          e = list(Customer.objects.filter(score__gt=F("id")))
          return a, b, c, d, e
    `);
    expect(rows.map((r) => r.where)).toEqual([
      "email ILIKE prefix AND name LIKE 'Ac\\_1%'",
      "name LIKE '%Inc'",
      "upper(email::text) = upper('A@B.C') AND name::text LIKE '%x%'",
      "(at)::date = day AND EXTRACT(YEAR FROM at) >= 2024 AND (payload -> 'tier') = 'gold'",
      'score > id',
    ]);
    // Django escapes % and _ in the value (`Ac\_1%`), so the prefix stays a prefix.
    expect(patterns[0]!.terms).toEqual([
      { op: 'like', column: 'email', pattern: { param: true, name: 'prefix' }, caseInsensitive: true },
      { op: 'like', column: 'name', pattern: 'Ac\\_1%', caseInsensitive: false },
    ]);
    expect(patterns[2]!.terms[0]).toMatchObject({ op: 'other', columns: ['email'], key: "upper(email::text) = upper('A@B.C')" });
  });

  it('a BooleanField compared with True/False is the bare column; a module constant and a class constant are constants', () => {
    const { patterns } = run(`
      def f():
          return list(Member.objects.filter(active=False, role=ROLE))
    `);
    expect(patterns[0]!.terms).toEqual([
      { op: 'bool', column: 'active', value: false },
      { op: '=', column: 'role', value: 'owner' },
    ]);
  });

  it('every spelling of a ForeignKey lookup is the local column, and identical queries merge their locations', () => {
    const { rows, patterns } = run(`
      def f(c):
          a = Member.objects.filter(customer=c).exists()
          b = Member.objects.filter(customer_id=c.pk).exists()
          d = Member.objects.filter(customer__id=c.id).exists()
          e = Member.objects.filter(customer__pk=c.pk).exists()
          return a, b, d, e
    `);
    expect(patterns).toHaveLength(1);
    expect(patterns[0]!.terms).toEqual([{ op: '=', column: 'customer_id', value: { param: true, name: 'c' } }]);
    expect(rows.map((r) => r.at)).toEqual(['9:9', '10:9', '11:9', '12:9']);
  });

  it('a lookup across a ForeignKey or a reverse relation joins: each table gets its own pattern with the join key', () => {
    const { rows } = run(`
      def f(kind):
          a = list(Member.objects.filter(customer__name="acme", role="admin"))
          b = list(Customer.objects.filter(events__kind=kind))
          return a, b
    `);
    expect(rows).toEqual([
      { at: '9:14', table: 'app_customer', where: "id = app_member.customer_id AND name = 'acme'" },
      { at: '9:14', table: 'app_member', where: "customer_id = app_customer.id AND role = 'admin'", order: 'joined DESC' },
      { at: '10:14', table: 'app_customer', where: 'id = app_event.customer_id' },
      { at: '10:14', table: 'app_event', where: 'customer_id = app_customer.id AND kind = kind' },
    ]);
  });

  it('a queryset passed to __in is a subquery with a pattern of its own', () => {
    const { rows } = run(`
      def f():
          return list(Customer.objects.filter(id__in=Event.objects.filter(kind="x").values("customer_id")))
    `);
    expect(rows).toEqual([
      { at: '9:17', table: 'app_customer', where: 'id = ANY(Event.objects.filter(kind="x").values("customer_id"))' },
      { at: '9:48', table: 'app_event', where: "kind = 'x'" },
    ]);
  });
});

describe('Q objects and exclude()', () => {
  it('& is AND; | is one opaque term; ~ on a NOT NULL column is the negated comparison', () => {
    const { rows } = run(`
      def f(c):
          a = Event.objects.filter(Q(kind="a") & Q(customer=c)).count()
          b = Event.objects.filter(Q(kind="a") | Q(kind="b"), customer=c).count()
          d = Event.objects.filter(~Q(kind="a")).count()
          return a, b, d
    `);
    expect(rows.map((r) => r.where)).toEqual([
      "kind = 'a' AND customer_id = c",
      "kind = 'a' OR kind = 'b' AND customer_id = c",
      "kind <> 'a'",
    ]);
  });

  it('exclude(): <>, the complementary range, IS NOT NULL; nullable columns and several lookups stay opaque (Django adds IS NOT NULL inside the NOT)', () => {
    const { patterns } = run(`
      def f():
          a = Member.objects.exclude(role="x").exclude(joined__gt="2024-01-01").count()
          b = Customer.objects.exclude(score=5).exclude(email__isnull=True).count()
          d = Member.objects.exclude(role="x", active=True).count()
          return a, b, d
    `);
    expect(patterns.map((p) => p.terms)).toEqual([
      [
        { op: '<>', column: 'role', value: 'x' },
        { op: '<=', column: 'joined', value: '2024-01-01' },
      ],
      [
        { op: 'other', text: 'NOT (score = 5 AND score IS NOT NULL)', key: 'NOT (score = 5 AND score IS NOT NULL)', columns: ['score'] },
        { op: 'is-not-null', column: 'email' },
      ],
      [{ op: 'other', text: "NOT (active AND role = 'x')", key: "NOT (active AND role = 'x')", columns: ['active', 'role'] }],
    ]);
  });
});

describe('order and limit, by Django’s rules', () => {
  it('first() orders an unordered queryset by pk, last() by -pk; with Meta.ordering they keep / reverse it; order_by() clears it', () => {
    const { rows } = run(`
      def f():
          a = Event.objects.first()
          b = Event.objects.last()
          c = Member.objects.first()
          d = Member.objects.last()
          e = Member.objects.order_by().first()
          g = Member.objects.reverse().first()
          return a, b, c, d, e, g
    `);
    expect(rows.map((r) => [r.at, r.order, r.limit])).toEqual([
      ['9:9', 'id ASC', 1],
      ['10:9', 'id DESC', 1],
      ['11:9', 'joined DESC', 1],
      ['12:9', 'joined ASC', 1],
      ['13:9', 'id ASC', 1],
      ['14:9', 'joined ASC', 1],
    ]);
  });

  it('get/exists/count drop the order (get() fetches at most 21 rows, exists() one); slices set LIMIT; values().annotate() drops Meta.ordering', () => {
    const { rows } = run(`
      def f(n):
          a = Member.objects.get(pk=1)
          b = Member.objects.filter(role="x").exists()
          c = Member.objects.count()
          d = list(Member.objects.all()[:10])
          e = list(Member.objects.all()[5:15])
          g = Member.objects.all()[0]
          h = list(Member.objects.all()[:n])
          i = list(Member.objects.values("role").annotate(n=F("id")))
          return a, b, c, d, e, g, h, i
    `);
    expect(rows.map((r) => [r.at, r.where, r.order ?? '', r.limit ?? ''])).toEqual([
      ['9:9', 'id = 1', '', 21],
      ['10:9', "role = 'x'", '', 1],
      ['11:9', '', '', ''],
      ['12:14', '', 'joined DESC', 10],
      ['13:14', '', 'joined DESC', 10],
      ['14:9', '', 'joined DESC', 1],
      ['15:14', '', 'joined DESC', 'n'],
      ['16:14', '', '', ''],
    ]);
  });

  it('latest()/earliest(), order_by with F() and NULLS, random and related orderings', () => {
    const { rows, skips } = run(`
      def f():
          a = Event.objects.latest("at")
          b = Event.objects.earliest("at", "kind")
          c = list(Event.objects.order_by(F("at").desc(nulls_last=True), "?"))
          d = list(Member.objects.order_by("customer__name", "customer"))
          e = Event.objects.latest()
          return a, b, c, d, e
    `);
    expect(rows.map((r) => [r.at, r.order, r.limit ?? ''])).toEqual([
      ['9:9', 'at DESC', 1],
      ['10:9', 'at ASC, kind ASC', 1],
      ['11:14', 'at DESC NULLS LAST, RANDOM() ASC', ''],
      ['12:14', 'customer__name ASC, customer_id ASC', ''],
    ]);
    expect(skips).toEqual([{ at: '13:9', reason: '`latest()` without fields and without `Meta.get_latest_by`: Django raises' }]);
  });

  it('get_or_create / update_or_create look up by their lookups (not defaults); in_bulk by pk; update and delete', () => {
    const { rows } = run(`
      def f(c, ids):
          Member.objects.get_or_create(customer=c, role="x", defaults={"active": True})
          Member.objects.update_or_create(customer=c, defaults={"role": "y"})
          Member.objects.in_bulk(ids)
          Member.objects.filter(role="x").update(active=False)
          Member.objects.filter(role="y").delete()
    `);
    expect(rows.map((r) => [r.at, r.where, r.order ?? '', r.limit ?? '', r.statement ?? 'select'])).toEqual([
      ['9:5', "customer_id = c AND role = 'x'", '', 21, 'select'],
      ['10:5', 'customer_id = c', '', 21, 'select'],
      ['11:5', 'id = ANY(ids)', '', '', 'select'],
      ['12:5', "role = 'x'", '', '', 'update'],
      ['13:5', "role = 'y'", '', '', 'delete'],
    ]);
  });
});

describe('managers', () => {
  it('a custom manager adds its get_queryset() filter; async methods count like their sync ones', () => {
    const { rows } = run(`
      async def f():
          a = Member.enabled.filter(role="x").count()
          b = await Member.objects.filter(role="x").afirst()
          return a, b
    `);
    expect(rows).toEqual([
      { at: '9:9', table: 'app_member', where: "active AND role = 'x'" },
      { at: '10:15', table: 'app_member', where: "role = 'x'", order: 'joined DESC', limit: 1 },
    ]);
  });

  it('related managers: by related_name, by <model>_set, told apart by the receiver name, skipped when ambiguous', () => {
    const { rows, skips } = run(`
      def f(customer, team, thing):
          a = list(customer.events.filter(kind="x"))
          b = customer.member_set.count()
          c = team.member_set.filter(role="lead").exists()
          d = thing.member_set.count()
          return a, b, c, d
    `);
    expect(rows).toEqual([
      { at: '9:14', table: 'app_event', where: "customer_id = customer AND kind = 'x'" },
      { at: '10:9', table: 'app_member', where: 'customer_id = customer' },
      { at: '11:9', table: 'app_member', where: "team_id = team AND role = 'lead'", limit: 1 },
    ]);
    expect(skips).toEqual([
      { at: '12:9', reason: '`thing.member_set`: `member_set` is a related manager of several models (app.Customer, app.Team), and which one `thing` is cannot be told statically' },
    ]);
  });
});

describe('Django’s own models', () => {
  it('auth.User through django.contrib.auth.models, get_user_model() and a module-level User = get_user_model()', () => {
    const { rows } = run(`
      from django.contrib.auth import get_user_model
      from django.contrib.auth.models import User as AuthUser

      User = get_user_model()


      def f(email):
          a = User.objects.filter(email__iexact=email).first()
          b = get_user_model().objects.filter(is_active=True).count()
          c = AuthUser.objects.get(username=email)
          return a, b, c
    `);
    expect(rows).toEqual([
      { at: '15:9', table: 'auth_user', where: 'upper(email::text) = upper(email)', order: 'id ASC', limit: 1 },
      { at: '16:9', table: 'auth_user', where: 'is_active' },
      { at: '17:9', table: 'auth_user', where: 'username = email', limit: 21 },
    ]);
  });
});

describe('a queryset in a local variable', () => {
  it('is one query at each use, with every refinement made before it (branches included)', () => {
    const { rows } = run(`
      def f(c, role=None):
          qs = Member.objects.filter(customer=c)
          if role:
              qs = qs.filter(role=role)
          total = qs.count()
          qs = qs.exclude(active=False)
          return qs.order_by("-joined").first(), total
    `);
    expect(rows).toEqual([
      { at: '12:13', table: 'app_member', where: 'customer_id = c AND role = role' },
      { at: '14:12', table: 'app_member', where: 'customer_id = c AND role = role AND active', order: 'joined DESC', limit: 1 },
    ]);
  });

  it('iterating, returning, passing it on or aliasing it count as uses; a new value ends it', () => {
    const { rows } = run(`
      def f(c, render):
          qs = Event.objects.filter(customer=c)
          for e in qs:
              print(e)
          other = qs
          render({"events": other})
          qs = list(qs)
          return qs
    `);
    expect(rows.map((r) => r.at)).toEqual(['10:14', '13:23', '14:15']);
  });

  it('is not a query when nothing uses it', () => {
    const { rows } = run(`
      def f(c):
          qs = Event.objects.filter(customer=c)
          qs = qs.filter(kind="x")
          return None
    `);
    expect(rows).toEqual([]);
  });
});

describe('a query helper of the same module', () => {
  it('a module-level function returning one queryset: each call refines that queryset, directly or through a variable', () => {
    const { rows } = run(`
      def team_of(c):
          return Member.objects.filter(customer=c, active=True)


      def newest(c):
          return team_of(c).order_by("-joined").first()


      def owners(c):
          qs = team_of(c)
          qs = qs.filter(role=ROLE)
          return qs.count()
    `);
    expect(rows).toEqual([
      // The helper's own queryset is returned to whoever calls it: a use of its own.
      { at: '9:12', table: 'app_member', where: 'active AND customer_id = c', order: 'joined DESC' },
      { at: '13:12', table: 'app_member', where: 'active AND customer_id = c', order: 'joined DESC', limit: 1 },
      { at: '19:12', table: 'app_member', where: "active AND customer_id = c AND role = 'owner'" },
    ]);
  });

  it('not followed: a function with two querysets to return, a method', () => {
    const { rows } = run(`
      def either(c, old):
          if old:
              return Member.objects.filter(customer=c)
          return Member.objects.filter(customer=c, active=True)


      class Service:
          def team(self, c):
              return Member.objects.filter(customer=c)


      def use(c):
          return either(c, False).count(), Service().team(c).count()
    `);
    expect(rows.map((r) => r.at)).toEqual(['10:16', '11:12', '16:16']);
  });

  it('a helper imported from another module (absolute or relative import, aliased) is followed; the caller’s own helper wins over an import', () => {
    const selectors = 'from app.models import Member\n\n\ndef imported_team(c):\n    return Member.objects.filter(customer=c, active=True)\n\n\ndef not_a_queryset(c):\n    return Member.objects.filter(customer=c).count()\n';
    const { rows } = run(
      `
      from app.selectors import imported_team
      from .selectors import imported_team as team_alias, not_a_queryset


      def use(c):
          a = imported_team(c).order_by("joined").first()
          b = team_alias(c).filter(role=ROLE).exists()
          return a, b, not_a_queryset(c)
    `,
      { 'app/selectors.py': selectors },
    );
    expect(rows).toEqual([
      { at: 'app/selectors.py:5:12', table: 'app_member', where: 'active AND customer_id = c', order: 'joined DESC' },
      { at: 'app/selectors.py:9:12', table: 'app_member', where: 'customer_id = c' },
      { at: '13:9', table: 'app_member', where: 'active AND customer_id = c', order: 'joined ASC', limit: 1 },
      { at: '14:9', table: 'app_member', where: "active AND customer_id = c AND role = 'owner'", limit: 1 },
    ]);
  });
});

describe('what is skipped, and why', () => {
  it.each([
    ['union', 'list(Event.objects.filter(kind="a").union(Event.objects.filter(kind="b")))', '`union()` combines querysets: each part would need its own pattern'],
    ['unknown method', 'Event.objects.filter(kind="a").frobnicate()', '`frobnicate()` is not a queryset method idxlint knows (a custom method it cannot read?)'],
    ['extra', 'list(Event.objects.extra(where=["1 = 1"]))', '`extra()` adds raw SQL to the query'],
    ['empty IN', 'list(Event.objects.filter(kind__in=[]))', '`kind__in=[]` matches no rows: Django does not run the query'],
  ])('%s', (_name, expr, reason) => {
    const { skips } = run(`\n      def f():\n          return ${expr}\n    `);
    expect(skips.map((s) => s.reason)).toContain(reason);
  });

  it('filter(**kwargs) and a Q built elsewhere stay as opaque terms', () => {
    const { patterns } = run(`
      def f(kw, q):
          return list(Event.objects.filter(q, **kw))
    `);
    expect(patterns[0]!.terms.map((t) => (t.op === 'other' ? t.text : t.op))).toEqual(['q', 'filter(q, **kw)']);
  });
});

describe('raw SQL', () => {
  it('is not read in migrations, nor reported unreadable on objects that are not cursors', () => {
    const { rows, skips } = run(
      `
      def f(job, command):
          job.execute(command)
    `,
      {
        'app/migrations/__init__.py': '',
        'app/migrations/0002_backfill.py': `
          from django.db import migrations

          def forwards(apps, schema_editor):
              Member = apps.get_model("app", "Member")
              Member.objects.filter(role="x").update(role="y")
              schema_editor.execute("UPDATE app_member SET role = 'y' WHERE role = 'x'")
        `,
      },
    );
    expect(rows).toEqual([]);
    expect(skips).toEqual([]);
  });

  it('from a local variable, with placeholders; formatting and f-strings are skipped', () => {
    const { rows, skips } = run(`
      def f(kind, table):
          sql = """
              SELECT * FROM app_event
              WHERE kind = %(kind)s AND at > now() - interval '1 day'
          """
          with connection.cursor() as cursor:
              cursor.execute(sql, {"kind": kind})
              cursor.execute("SELECT * FROM %s WHERE id = 1" % table)
              cursor.execute("SELECT * FROM {} WHERE id = 1".format(table))
              cursor.executemany("UPDATE app_event SET kind = %s WHERE id = %s", [("a", 1)])
    `);
    expect(rows).toEqual([
      { at: '10:9', table: 'app_event', where: "kind = $1 AND at > now() - '1 day'::interval" },
      { at: '17:29', table: 'app_event', where: 'id = $2', statement: 'update' },
    ]);
    expect(skips).toEqual([
      { at: '15:9', reason: 'SQL built with `%` formatting: the statement is only known at run time' },
      { at: '16:9', reason: 'SQL built with `.format()`: the statement is only known at run time' },
    ]);
  });
});
