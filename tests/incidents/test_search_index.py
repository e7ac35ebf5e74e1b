"""The incident list's search: a fragment of the summary typed without accents, or of the
reference. On SQLite a fragment of three letters or more is found through a trigram index kept
by triggers (migration 0210); a shorter one, and PostgreSQL, search as before. Either way the
same incidents are found, after a correction as well, whatever the characters typed."""

from district.db import database, is_sqlite
from district.incidents import operations


def _found(client, q):
    page = client.get("/incidents/", query_string={"q": q}).get_data(as_text=True)
    assert "Lỗi" not in page.split("<main")[1][:200]
    return page


def test_the_search_finds_fragments_and_follows_corrections(district, login_as, report):
    if is_sqlite():  # the index exists where it should
        assert database.table_exists("incident_search")
    stairs = report(district.staff, summary="Học sinh bị xô đẩy ở cầu thang")
    scolded = report(district.staff, summary="Phụ huynh mắng học sinh 100% trước lớp")
    client = login_as(district.principal)
    for q, hits, misses in (
            ("xo day", [stairs], [scolded]),           # without accents, across a space
            ("ĐẨY Ở", [stairs], [scolded]),             # with accents, upper case
            ("XÔ", [stairs], [scolded]),                 # two letters: the plain search
            ("100%", [scolded], [stairs]),              # a wildcard of LIKE, taken literally
            (scolded.reference.lower()[-6:], [scolded], [stairs]),
            ('"mang" OR cau', [], [stairs, scolded]),   # FTS5 syntax, taken literally
            ("NEAR(hoc sinh)", [], [stairs, scolded])):
        page = _found(client, q)
        assert all(i.reference in page for i in hits), q
        assert not any(i.reference in page for i in misses), q

    changes = {"summary": "Học sinh bị bạn trêu chọc trong giờ ra chơi"}
    operations.correct(district.officer, stairs, stairs.version, changes, "Ghi lại cho đúng")
    assert stairs.reference in _found(client, "treu choc")
    assert stairs.reference not in _found(client, "cau thang")
