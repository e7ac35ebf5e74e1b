"""The migrations build exactly the schema the models describe."""

from playhouse.schema_diff import diff_models

from district.db import database, migration_runner
from district.models import ALL_MODELS

# PostgreSQL only, so not in the models: the trigram indexes of migration 0110.
ENGINE_ONLY_INDEXES = ("_trgm",)


def test_migrations_match_the_models(app):
    diff = diff_models(database.obj, ALL_MODELS)
    diff = diff._replace(drop_indexes=[i for i in diff.drop_indexes
                                       if not i.name.endswith(ENGINE_ONLY_INDEXES)])
    assert not diff, str(diff)


def test_no_migration_is_pending(app):
    assert [m.name for m in migration_runner().status() if not m.applied] == []
