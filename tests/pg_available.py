"""Exit 0 when the PostgreSQL server of TEST_DATABASE_URL answers (used by `make test`)."""

import sys

from tests.databases import pg_server_answers

if __name__ == "__main__":
    sys.exit(0 if pg_server_answers() else 1)
