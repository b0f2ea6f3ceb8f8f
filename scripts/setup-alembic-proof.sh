#!/usr/bin/env bash
# Installs what the slow Alembic proof (test/slow/alembic-proof.test.ts) needs: Alembic (>= 1.12, for
# `if_not_exists=`), SQLAlchemy and psycopg2 in a virtualenv of the system interpreter, at
# .tmp/alembic-proof-venv, from the package index pip is configured with. Debian's own python3-alembic is
# 1.8 (too old). PostgreSQL itself comes from scripts/setup-django-proof.sh.
# When no index can provide them, it says so and exits 0: the proof is then skipped, loudly.
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=.tmp/alembic-proof-venv
PY=/usr/bin/python3

if [ -x "$VENV/bin/alembic" ] && "$VENV/bin/python" -c 'import alembic, psycopg2' 2>/dev/null; then
  echo "setup-alembic-proof: already installed"
else
  rm -rf "$VENV"
  mkdir -p .tmp
  if ! "$PY" -m venv "$VENV" >/tmp/setup-alembic-proof.log 2>&1; then
    echo "setup-alembic-proof: cannot create a virtualenv with $PY ($(tail -1 /tmp/setup-alembic-proof.log)); the Alembic proof will be skipped"
    rm -rf "$VENV"
    exit 0
  fi
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check 'alembic>=1.12' psycopg2-binary >>/tmp/setup-alembic-proof.log 2>&1; then
    echo "setup-alembic-proof: cannot install alembic and psycopg2 here ($(tail -1 /tmp/setup-alembic-proof.log)); the Alembic proof will be skipped"
    rm -rf "$VENV"
    exit 0
  fi
fi
"$VENV/bin/python" -c 'import alembic, sqlalchemy, psycopg2; print("alembic", alembic.__version__); print("sqlalchemy", sqlalchemy.__version__); print("psycopg2", psycopg2.__version__.split()[0])'
