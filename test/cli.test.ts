// The built CLI, run as a process on fixture folders: exit codes and every output format.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swapComposite } from './project-rules/seed-variants.js';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'bin', 'idxlint.js');
const SQL_PROJECT = join(ROOT, 'test', 'fixtures', 'cli', 'sql-project');
const temps: string[] = [];

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idxlint-cli-'));
  temps.push(dir);
  return dir;
}

function copyFixture(src = SQL_PROJECT): string {
  const dir = temp();
  cpSync(src, dir, { recursive: true });
  return dir;
}

function run(args: string[], cwd = SQL_PROJECT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
});
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('idxlint check', () => {
  it('text: findings with code frame, help and fix diff; exit 1', () => {
    const r = run(['check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('migrations/0002_orders_status.sql:2:1: error non-concurrent-index-creation');
    expect(r.stdout).toContain('> 2 | CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC);');
    expect(r.stdout).toContain('+CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_created_idx');
    expect(r.stdout).toContain('migrations/0004_broken.sql:1:8: error syntax-error syntax error at or near "INDX"');
    // 0001 creates its table: nothing there.
    expect(r.stdout).not.toContain('0001_create_orders.sql:');
    expect(r.stdout).toMatch(/3 errors, 0 warnings, 0 infos in 4 files/);
  });

  it('json: an array of findings with 1-based positions and fixes', () => {
    const r = run(['check', '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column}:${f.rule}`)).toEqual([
      'migrations/0002_orders_status.sql:2:1:non-concurrent-index-creation',
      'migrations/0003_cleanup.sql:2:1:non-concurrent-index-drop',
      'migrations/0004_broken.sql:1:8:syntax-error',
    ]);
    for (const f of findings) {
      expect(Object.keys(f).slice(0, 9)).toEqual(['file', 'rule', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'fixes']);
    }
    const drop = findings.find((f) => f.rule === 'non-concurrent-index-drop') as { fixes: { safety: string; title: string }[] };
    expect(drop.fixes[0]).toMatchObject({ safety: 'safe', title: expect.stringMatching(/remove the BEGIN\/COMMIT/) });
  });

  it('sarif: valid SARIF 2.1.0 with ruleId and 1-based startLine/startColumn', () => {
    const r = run(['check', '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'schemas', 'sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[];
    expect(results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.region.startLine, x.locations[0]!.physicalLocation.region.startColumn])).toContainEqual([
      'syntax-error',
      1,
      8,
    ]);
  });

  it('github: workflow commands', () => {
    const r = run(['check', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)[0]).toMatch(/^::error file=migrations\/0002_orders_status\.sql,line=2,col=1,/);
  });

  it('--rule limits the rules; an unknown rule is a usage error (exit 2)', () => {
    const r = run(['check', '--format', 'json', '--rule', 'syntax-error']);
    expect(JSON.parse(r.stdout).map((f: { rule: string }) => f.rule)).toEqual(['syntax-error']);
    const bad = run(['check', '--rule', 'no-such-rule']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown rule 'no-such-rule'");
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('a clean folder exits 0', () => {
    const r = run(['check', 'migrations/0001_create_orders.sql']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No findings in 1 file');
  });

  it('warnings alone exit 0', () => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '0001.sql'), 'CREATE INDEX CONCURRENTLY i ON t (a);\n');
    const r = run(['check', '--format', 'json'], dir);
    expect(JSON.parse(r.stdout).map((f: { severity: string }) => f.severity)).toEqual(['warning']);
    expect(r.code).toBe(0);
  });

  it('--fix applies safe fixes atomically; --unsafe-fixes the rest; a second run changes nothing', () => {
    const dir = copyFixture();
    const first = run(['check', '--fix', '--format', 'json'], dir);
    expect(first.code).toBe(1); // the syntax error stays
    expect(readFileSync(join(dir, 'migrations', '0002_orders_status.sql'), 'utf8')).toBe(
      '-- Index for the status dashboard.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_created_idx ON orders (status, created_at DESC);\n',
    );
    expect(readFileSync(join(dir, 'migrations', '0003_cleanup.sql'), 'utf8')).toBe('DROP INDEX CONCURRENTLY orders_customer_idx;\n');
    expect(JSON.parse(first.stdout).map((f: { rule: string }) => f.rule)).toEqual(['syntax-error']);
    expect(readdirSync(join(dir, 'migrations')).filter((f) => f.includes('.tmp'))).toEqual([]);
    const snapshot = readdirSync(join(dir, 'migrations')).map((f) => readFileSync(join(dir, 'migrations', f), 'utf8'));
    run(['check', '--fix'], dir);
    expect(readdirSync(join(dir, 'migrations')).map((f) => readFileSync(join(dir, 'migrations', f), 'utf8'))).toEqual(snapshot);
  });

  it('--unsafe-fixes with a runner that needs a new migration file', () => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '000001_add.up.sql'), 'ALTER TABLE t ADD COLUMN b int;\nCREATE INDEX i ON t (b);\n');
    const safe = run(['check', '--fix'], dir);
    expect(safe.code).toBe(1);
    expect(readdirSync(join(dir, 'migrations'))).toEqual(['000001_add.up.sql']);
    const r = run(['check', '--fix', '--unsafe-fixes'], dir);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'migrations')).sort()).toEqual(['000001_add.up.sql', '000002_add_concurrently.up.sql']);
    expect(readFileSync(join(dir, 'migrations', '000002_add_concurrently.up.sql'), 'utf8')).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (b);\n');
  });

  it('--runner and --assume-in-transaction override the configuration', () => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '0001.sql'), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n');
    writeFileSync(join(dir, 'idxlint.json'), '{ "assumeInTransaction": true }\n');
    expect(run(['check'], dir).code).toBe(1);
    expect(run(['check', '--no-assume-in-transaction'], dir).code).toBe(0);
    writeFileSync(join(dir, 'idxlint.json'), '{}\n');
    expect(run(['check', '--runner', 'dbmate', '--format', 'json'], dir).stdout).toContain('concurrent-index-in-transaction');
    expect(run(['check', '--runner', 'nope'], dir).code).toBe(2);
  });

  it('configuration errors name the file and the key, exit 2', () => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '0001.sql'), 'SELECT 1;\n');
    writeFileSync(join(dir, 'idxlint.json'), '{ "rules": { "non-concurrent-index-creation": "loud" } }\n');
    const r = run(['check'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('idxlint.json');
    expect(r.stderr).toContain('rules.non-concurrent-index-creation');
    writeFileSync(join(dir, 'idxlint.json'), '{ "rules": {\n  "x": 1,, }\n');
    const syntax = run(['check'], dir);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/idxlint\.json:2:\d+/);
  });

  it('[tool.idxlint] in pyproject.toml', () => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '0001.sql'), 'CREATE INDEX i ON t (a);\n');
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.idxlint.rules]\n"non-concurrent-index-creation" = "off"\n');
    expect(run(['check'], dir).code).toBe(0);
  });

  it('a missing path is an error with exit 2', () => {
    const r = run(['check', 'no/such/dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no/such/dir');
  });

  it('--changed-since lints only what changed since a git ref', () => {
    const dir = copyFixture();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: dir });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(join(dir, 'migrations', '0005_new.sql'), 'CREATE INDEX orders_created_idx ON orders (created_at);\n');
    const r = run(['check', '--changed-since', 'HEAD', '--format', 'json'], dir);
    expect(JSON.parse(r.stdout).map((f: { file: string }) => f.file)).toEqual(['migrations/0005_new.sql']);
    const bad = run(['check', '--changed-since', 'no-such-ref'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no-such-ref');
  });
});

describe('caches', () => {
  it('a warm run reads the lint cache and gives the same report; an edited file is linted again; --no-cache writes nothing', () => {
    const dir = copyFixture();
    rmSync(join(dir, '.idxlint-cache'), { recursive: true, force: true });
    const cold = run(['check', '--format', 'json'], dir);
    expect(readdirSync(join(dir, '.idxlint-cache'))).toContain('lint.json');
    const warm = run(['check', '--format', 'json'], dir);
    expect(warm.stdout).toBe(cold.stdout);
    writeFileSync(join(dir, 'migrations', '0002_orders_status.sql'), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_created_idx ON orders (status);\n');
    const edited = JSON.parse(run(['check', '--format', 'json'], dir).stdout) as { file: string }[];
    expect(edited.map((f) => f.file)).not.toContain('migrations/0002_orders_status.sql');
    const fresh = copyFixture();
    rmSync(join(fresh, '.idxlint-cache'), { recursive: true, force: true });
    run(['check', '--no-cache'], fresh);
    expect(readdirSync(fresh)).not.toContain('.idxlint-cache');
  });
});

describe('the project rules\' cache', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=idxlint', '-c', 'user.email=idxlint@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
  type JsonFinding = { rule: string; message: string; fixes: { title: string; safety: string; edits: { file: string; line: number; endLine: number }[] }[] };
  const orderFindings = (stdout: string) => (JSON.parse(stdout) as JsonFinding[]).filter((f) => f.rule === 'index-column-order-mismatch');

  it('a warm run reads the findings and fixes back; a models module, git or the configuration changing is seen', () => {
    const dir = copyFixture(join(ROOT, 'examples', 'seed-django'));
    rmSync(join(dir, '.idxlint-cache'), { recursive: true, force: true });
    swapComposite(dir);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'seed');
    const cold = run(['check', '--format', 'json'], dir);
    const [finding] = orderFindings(cold.stdout);
    expect(finding!.fixes.map((f) => f.safety)).toEqual(['unsafe']);
    // The edit of the models module is placed in that file (its text read for the positions): on the entry it rewrites.
    const modelEdit = finding!.fixes[0]!.edits.find((e) => e.file === 'upstream/models.py')!;
    const modelLine = modelEdit.line;
    const entry = readFileSync(join(dir, 'upstream', 'models.py'), 'utf8').split('\n').slice(modelLine - 1, modelEdit.endLine).join('\n');
    expect(entry).toMatch(/^\s*models\.Index\(\s*fields=\["role", "customer"\],\s*name="userprofile_customer_role_idx",\s*\),?$/);
    expect(readdirSync(join(dir, '.idxlint-cache'))).toContain('project.json');
    expect(run(['check', '--format', 'json'], dir).stdout).toBe(cold.stdout);

    // Nothing changed: what is stored is what is reported (the rules did not run again).
    const stored = join(dir, '.idxlint-cache', 'project.json');
    writeFileSync(stored, readFileSync(stored, 'utf8').replace('the columns of', 'STORED: the columns of'));
    expect(orderFindings(run(['check', '--format', 'json'], dir).stdout)[0]!.message).toMatch(/^STORED: /);
    // Another build of the engine under the same version number does not read what this one stored.
    const rebuilt = join(ROOT, 'dist', `cli-rebuilt-${process.pid}.js`);
    writeFileSync(rebuilt, `${readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8')}\n// another build\n`);
    try {
      const other = spawnSync(process.execPath, [rebuilt, 'check', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
      expect(orderFindings(other.stdout)[0]!.message).not.toMatch(/^STORED: /);
    } finally {
      rmSync(rebuilt, { force: true });
    }

    // The models module the fix edits: one line more above the index moves the edit.
    const models = join(dir, 'upstream', 'models.py');
    writeFileSync(models, `# a comment\n${readFileSync(models, 'utf8')}`);
    const moved = orderFindings(run(['check', '--format', 'json'], dir).stdout)[0]!;
    expect(moved.message).not.toMatch(/^STORED: /);
    expect(moved.fixes[0]!.edits.find((e) => e.file === 'upstream/models.py')!.line).toBe(modelLine + 1);
    git(dir, 'commit', '-q', '-am', 'comment');

    // 0002 no longer committed: the index has not shipped, so it may be edited in place.
    git(dir, 'rm', '-q', '--cached', 'upstream/migrations/0002_add_missing_indexes.py');
    expect(orderFindings(run(['check', '--format', 'json'], dir).stdout)[0]!.fixes.map((f) => f.safety)).toEqual(['safe', 'unsafe']);
    git(dir, 'add', 'upstream/migrations/0002_add_missing_indexes.py');
    expect(orderFindings(run(['check', '--format', 'json'], dir).stdout)[0]!.fixes.map((f) => f.safety)).toEqual(['unsafe']);

    // The configuration: the rule turned off.
    writeFileSync(join(dir, 'idxlint.json'), JSON.stringify({ rules: { 'index-column-order-mismatch': 'off' } }));
    expect(orderFindings(run(['check', '--format', 'json'], dir).stdout)).toEqual([]);
  });
});

describe('check --fix on a Django project', () => {
  it('the query-fit fix edits a models module that starts with a byte-order mark at the right place, and keeps the mark', () => {
    const dir = copyFixture(join(ROOT, 'examples', 'seed-django'));
    swapComposite(dir);
    const models = join(dir, 'upstream', 'models.py');
    writeFileSync(models, `\uFEFF${readFileSync(models, 'utf8')}`);
    const r = run(['check', '--no-cache', '--fix', '--unsafe-fixes', '--rule', 'index-column-order-mismatch'], dir);
    expect(r.stderr).toBe('');
    const after = readFileSync(models, 'utf8');
    expect(after.startsWith('\uFEFF')).toBe(true);
    expect(after).toContain('models.Index(\n                fields=["customer", "role"],\n                name="upstream_us_custome_f906d4_idx",\n            )');
    expect(readdirSync(join(dir, 'upstream', 'migrations'))).toContain('0003_fix_userprofile_customer_role_idx.py');
    expect(JSON.parse(run(['check', '--no-cache', '--format', 'json', '--rule', 'index-column-order-mismatch'], dir).stdout)).toEqual([]);
  });
});

describe('check --fix on an Alembic project', () => {
  it('a query-fit finding is fixed by a new revision after the head; the next check is clean', () => {
    const dir = temp();
    const files: Record<string, string> = {
      'alembic.ini': '[alembic]\nscript_location = alembic\n',
      'alembic/env.py': '',
      'alembic/versions/1a2b3c4d5e6f_tables.py':
        "from alembic import op\nimport sqlalchemy as sa\n\nrevision = '1a2b3c4d5e6f'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table('member', sa.Column('id', sa.BigInteger(), primary_key=True), sa.Column('team_id', sa.BigInteger(), nullable=False), sa.Column('role', sa.String(20), nullable=False))\n\n\ndef downgrade():\n    op.drop_table('member')\n",
      'alembic/versions/2b3c4d5e6f7a_index.py':
        "from alembic import op\n\nrevision = '2b3c4d5e6f7a'\ndown_revision = '1a2b3c4d5e6f'\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index('member_role_team_idx', 'member', ['role', 'team_id'], postgresql_concurrently=True, if_not_exists=True)\n\n\ndef downgrade():\n    pass\n",
      'queries/app.sql': "SELECT * FROM member WHERE team_id = $1;\nSELECT * FROM member WHERE team_id = $1 AND role = 'owner';\n",
      'idxlint.json': JSON.stringify({ vendors: ['postgresql'] }),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const before = JSON.parse(run(['check', '--no-cache', '--format', 'json', '--rule', 'index-column-order-mismatch'], dir).stdout) as { fixes: { title: string }[] }[];
    expect(before).toHaveLength(1);
    expect(before[0]!.fixes[0]!.title).toMatch(/^Create `member_team_id_role_idx` \(team_id, role\) concurrently, then drop `member_role_team_idx`, in a new revision \([0-9a-f]{12}_fix_member_role_team_idx\.py\)$/);
    run(['check', '--no-cache', '--fix', '--unsafe-fixes', '--rule', 'index-column-order-mismatch'], dir);
    const created = readdirSync(join(dir, 'alembic', 'versions')).filter((f) => f.endsWith('_fix_member_role_team_idx.py'));
    expect(created).toHaveLength(1);
    expect(readFileSync(join(dir, 'alembic', 'versions', created[0]!), 'utf8')).toContain("down_revision = '2b3c4d5e6f7a'");
    const after = run(['check', '--no-cache', '--format', 'json'], dir);
    expect(JSON.parse(after.stdout)).toEqual([]);
  });
});

describe('query helpers of other modules', () => {
  it('explain reads a call of an imported helper as the helper’s queryset refined; a changed helper is read again while its caller’s cached patterns are not reused', () => {
    const dir = copyFixture(join(ROOT, 'examples', 'seed-django'));
    rmSync(join(dir, '.idxlint-cache'), { recursive: true, force: true });
    writeFileSync(join(dir, 'upstream', 'selectors.py'), 'from upstream.models import UserProfile\n\n\ndef team(customer):\n    return UserProfile.objects.filter(customer=customer)\n');
    writeFileSync(join(dir, 'upstream', 'team_views.py'), 'from upstream.selectors import team\n\n\ndef owners(customer):\n    return team(customer).filter(role="owner").count()\n');
    const where = () => {
      const r = run(['explain', 'upstream/team_views.py:5', '--format', 'json'], dir);
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as { query: string }[])[0]!.query;
    };
    expect(where()).toBe("upstream_userprofile WHERE customer_id = ? AND role = 'owner'");
    // Only the helper's module changes (the caller's file, and so its own cache key, does not).
    writeFileSync(join(dir, 'upstream', 'selectors.py'), 'from upstream.models import UserProfile\n\n\ndef team(customer):\n    return UserProfile.objects.filter(customer=customer).order_by("-id")\n');
    expect(where()).toBe("upstream_userprofile WHERE customer_id = ? AND role = 'owner'");
    writeFileSync(join(dir, 'upstream', 'selectors.py'), 'from upstream.models import UserProfile\n\n\ndef team(customer):\n    return UserProfile.objects.filter(customer=customer, email__isnull=False)\n');
    expect(where()).toBe("upstream_userprofile WHERE customer_id = ? AND email IS NOT NULL AND role = 'owner'");
    // A caller that had no query of its own (never read), until the function it imports became a helper.
    writeFileSync(join(dir, 'upstream', 'audit_views.py'), 'from upstream.selectors import audited\n\n\ndef recent(customer):\n    return audited(customer).first()\n');
    writeFileSync(join(dir, 'upstream', 'selectors.py'), `${readFileSync(join(dir, 'upstream', 'selectors.py'), 'utf8')}\n\ndef audited(customer):\n    return []\n`);
    expect(run(['explain', 'upstream/audit_views.py:5'], dir).stderr).toContain('no query idxlint understands starts on that line');
    writeFileSync(join(dir, 'upstream', 'selectors.py'), readFileSync(join(dir, 'upstream', 'selectors.py'), 'utf8').replace('    return []', '    return UserProfile.objects.filter(customer=customer).order_by("-id")'));
    expect(run(['explain', 'upstream/audit_views.py:5', '--format', 'json'], dir).stdout).toContain('"query": "upstream_userprofile WHERE customer_id = ? ORDER BY id DESC LIMIT 1"');
  });
});

describe('check --jobs', () => {
  it('the ORM queries extracted on worker threads give the report one thread gives; a bad count is a usage error', () => {
    const dir = copyFixture(join(ROOT, 'examples', 'seed-django'));
    swapComposite(dir);
    // A query through a helper of another module: the worker threads read the helper's module too.
    writeFileSync(join(dir, 'upstream', 'selectors.py'), 'from upstream.models import UserProfile\n\n\ndef team(customer):\n    return UserProfile.objects.filter(customer=customer)\n');
    writeFileSync(join(dir, 'upstream', 'team_views.py'), 'from upstream.selectors import team\n\n\ndef size(customer):\n    return team(customer).count()\n');
    const runWith = (jobs: string) => {
      const r = spawnSync(process.execPath, [CLI, 'check', '--no-cache', '--format', 'json', '--jobs', jobs], { cwd: dir, encoding: 'utf8', env: { ...process.env, IDXLINT_STATS: '1' } });
      return { stdout: r.stdout, workers: Number(/ormWorkers=(\d+)/.exec(r.stderr)?.[1]) };
    };
    const one = runWith('1');
    const three = runWith('3');
    expect(one.workers).toBe(0);
    expect(three.workers).toBe(2);
    const findings = JSON.parse(three.stdout) as { rule: string; related?: { file: string }[] }[];
    const order = findings.find((f) => f.rule === 'index-column-order-mismatch');
    expect(order?.related?.map((r) => r.file)).toContain('upstream/team_views.py');
    expect(three.stdout).toBe(one.stdout);
    const bad = run(['check', '--jobs', '0'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--jobs wants a whole number from 1 to 64, not '0'");
  });
});

describe('bad input never crashes', () => {
  const cases: [name: string, content: Buffer, expected: RegExp | null][] = [
    ['malformed.sql', Buffer.from('CREATE INDEX ON (;\n'), /syntax error/],
    ['binary.sql', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10]), /binary file/],
    ['empty.sql', Buffer.alloc(0), null],
    ['latin1.sql', Buffer.from('-- caf\xe9\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n', 'latin1'), /not valid UTF-8/],
  ];
  it.each(cases)('%s', (name, content, expected) => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', name), content);
    const r = run(['check', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    const findings = JSON.parse(r.stdout) as { message: string; line: number; column: number }[];
    if (expected) {
      expect(findings).toHaveLength(1);
      expect(findings[0]!.message).toMatch(expected);
      expect(findings[0]!.line).toBeGreaterThan(0);
      expect(r.code).toBe(1);
    } else {
      expect(findings).toEqual([]);
      expect(r.code).toBe(0);
    }
  });

  it('a 5 MB migration is analyzed', () => {
    const dir = temp();
    mkdirSync(join(dir, 'migrations'));
    const statement = "INSERT INTO t (a, b) VALUES (1, 'some padding text to make the file large');\n";
    const body = statement.repeat(Math.ceil((5 * 1024 * 1024) / statement.length));
    writeFileSync(join(dir, 'migrations', 'big.sql'), `${body}CREATE INDEX i ON t (a);\n`);
    const r = run(['check', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    const findings = JSON.parse(r.stdout) as { rule: string; line: number }[];
    expect(findings.map((f) => f.rule)).toEqual(['non-concurrent-index-creation']);
    expect(findings[0]!.line).toBe(body.split('\n').length);
  });
});

describe('other commands', () => {
  it('rules lists every rule; docs prints a page', () => {
    const rules = JSON.parse(run(['rules', '--json']).stdout) as { id: string }[];
    expect(rules.map((r) => r.id)).toContain('non-concurrent-index-creation');
    const doc = run(['docs', 'non-concurrent-index-drop']);
    expect(doc.code).toBe(0);
    expect(doc.stdout).toContain('# non-concurrent-index-drop');
    expect(run(['docs', 'nope']).code).toBe(2);
  });

  it('--help and --version', () => {
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run(['check', '--help']).stdout).toContain('--changed-since');
  });
});
