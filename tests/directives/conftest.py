import datetime as dt

import pytest

from district.directives import services
from district.models import Roster


@pytest.fixture
def today():
    return services.local_today()


@pytest.fixture
def make_directive(app, district, today):
    """A directive written by the district's officer; published unless told otherwise."""
    counter = iter(range(1, 10_000))

    def factory(publish=True, **fields):
        n = next(counter)
        data = {
            "number": f"{100 + n}/PGDĐT-CTHSSV",
            "title": f"Về việc phòng, chống bạo lực học đường số {n}",
            "body": "Các trường **triển khai** ngay.",
            "signer": "Nguyễn Văn Trưởng",
            "issued_on": today - dt.timedelta(days=3),
            "deadline": today + dt.timedelta(days=7),
            "response_kind": "ack",
            "audience_kind": "all",
            **fields,
        }
        directive = services.create_draft(district.officer, data)
        if publish:
            directive = services.publish(district.officer, directive)
        return directive

    return factory


@pytest.fixture
def make_roster(district):
    def factory(school, state="complete"):
        return Roster.create(school=school, version=1, submitted_by=district.officer,
                             rule_set="tt31", state=state, is_current=True)

    return factory


def htmx(**extra):
    return {"HX-Request": "true", **extra}
