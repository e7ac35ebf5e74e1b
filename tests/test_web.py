"""The one way to answer: a page, or for htmx one block plus out-of-band blocks; one paginator."""

import pytest
from jinja2 import ChoiceLoader, DictLoader

from district import web
from district.models import School

PAGE = """<html><body><h1>Page</h1>
<div id="main">{% block main %}main {{ n }}{% endblock %}</div>
<p>{% block side %}<aside id="side" {% if oob %}hx-swap-oob="true"{% endif %}>side {{ n }}</aside>
{%- endblock %}</p>
</body></html>"""


@pytest.fixture
def pages_app(app):
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test/page.html": PAGE}),
                                         app.jinja_env.loader])
    return app


def _answer(app, htmx=False, **kwargs):
    headers = {"HX-Request": "true"} if htmx else {}
    with app.test_request_context("/", headers=headers):
        app.preprocess_request()
        return web.render("test/page.html", "main", n=1, **kwargs)


def test_a_plain_request_gets_the_whole_page(pages_app):
    response = _answer(pages_app, oob=["side"], retarget="#elsewhere")
    body = response.get_data(as_text=True)
    assert "<h1>Page</h1>" in body and 'hx-swap-oob' not in body
    assert "HX-Retarget" not in response.headers
    assert "HX-Request" in response.vary


def test_htmx_gets_the_block_then_out_of_band_blocks_and_a_retarget(pages_app):
    response = _answer(pages_app, htmx=True, oob=["side"], retarget="#elsewhere",
                       trigger="changed", status=409)
    body = response.get_data(as_text=True)
    assert body.startswith("main 1")
    assert '<aside id="side" hx-swap-oob="true">side 1</aside>' in body
    assert "<h1>" not in body
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#elsewhere"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert response.headers["HX-Trigger"] == "changed"
    assert "HX-Request" in response.vary


def test_a_boosted_request_gets_the_whole_page(pages_app):
    with pages_app.test_request_context("/", headers={"HX-Request": "true", "HX-Boosted": "true"}):
        pages_app.preprocess_request()
        body = web.render("test/page.html", "main", n=1).get_data(as_text=True)
    assert "<h1>Page</h1>" in body


def test_pages_count_once_and_refuse_a_page_beyond_the_last(app, make_school):
    for _ in range(7):
        make_school()
    query = School.select().order_by(School.id)
    with app.test_request_context("/?page=2"):
        pages = web.Pages(query, per_page=3)
        assert (pages.page, pages.page_count, pages.total) == (2, 3, 7)
        assert len(pages.items) == 3 and list(pages.page_range()) == [1, 2, 3]
    with app.test_request_context("/?page=x"):
        assert web.Pages(query, per_page=3).page == 1
    with app.test_request_context("/?page=4"):
        with pytest.raises(Exception) as refused:
            web.Pages(query, per_page=3)
        assert getattr(refused.value, "code", None) == 404


def test_the_pager_window_follows_the_page(app, make_school):
    for _ in range(20):
        make_school()
    with app.test_request_context("/?page=10"):
        pages = web.Pages(School.select(), per_page=2)
        assert list(pages.page_range()) == [4, 5, 6, 7, 8, 9, 10]
    with app.test_request_context("/?page=5"):
        assert list(web.Pages(School.select(), per_page=2).page_range()) == [2, 3, 4, 5, 6, 7, 8]


def test_a_page_without_total_counts_only_as_far_as_the_pager_reaches(app, make_school):
    for _ in range(30):
        make_school()
    query = School.select().order_by(School.id)
    with app.test_request_context("/?page=2"):
        pages = web.Pages(query, per_page=2, exact=False)
        # Pages 1 to 9 are known to exist (2 + 7 pages of the window, and one row more).
        assert pages.total == 19 and pages.page_count == 10
        assert list(pages.page_range()) == [1, 2, 3, 4, 5, 6, 7]
        assert [s.id for s in pages.items] == [s.id for s in query][2:4]
    with app.test_request_context("/?page=15"):
        assert web.Pages(query, per_page=2, exact=False).page_count == 15
    with app.test_request_context("/?page=16"):
        with pytest.raises(Exception) as refused:
            web.Pages(query, per_page=2, exact=False)
        assert getattr(refused.value, "code", None) == 404


def test_load_fetches_the_rows_of_the_page_only(app, make_school):
    for _ in range(5):
        make_school()
    seen = []

    def load(rows):
        seen.append([r.id for r in rows])
        return [School.get_by_id(r.id).name for r in rows]

    query = School.select(School.id).order_by(School.id.desc())
    with app.test_request_context("/?page=2"):
        pages = web.Pages(query, per_page=2, load=load)
        ids = [s.id for s in query][2:4]
        assert pages.items == [School.get_by_id(i).name for i in ids] and seen == [ids]


def test_kept_filter_options_escape_a_text_as_they_did_the_first_time(app):
    """The filter bars' options are kept per choices, selection and language: a commune's name
    typed by an admin is escaped even after the same characters came as trusted Markup, and
    each choice is selected as asked."""
    from markupsafe import Markup

    from district.forms import option_tags

    name = 'Xã <b>"A&B"</b>'
    with app.test_request_context("/"):
        trusted = option_tags([(name, Markup(name))], "")
        typed = option_tags([(name, name)], "")
        again = option_tags([(name, name)], name)
    assert "<b>" in trusted
    assert "<b>" not in typed and "&lt;b&gt;" in typed and "&amp;" in typed
    assert again.startswith("<option selected ") and "&lt;b&gt;" in again
    assert option_tags([(1, "Một")], "1") != option_tags([(True, "Một")], "1")


@pytest.mark.parametrize("mount", ["", "/truong-hoc"])
def test_links_with_numbers_are_the_links_flask_builds(app, mount):
    """web.url_for (the templates' url_for) keeps a URL's shape and puts the numbers in, or
    keeps a link with other values whole: the same links as Flask's, under a mount point too,
    for ids, page numbers in the query, several numbers in one URL, texts to encode, and values
    it leaves to Flask."""
    import flask

    calls = [("incidents.detail", {"incident_id": 7}),
             ("incidents.detail", {"incident_id": 918273645}),
             ("directives.receipt", {"directive_id": 12, "school_id": 3}),
             ("directives.receipt", {"school_id": 3, "directive_id": 12}),
             ("incidents.index", {"page": 2}),
             ("incidents.index", {"page": 3, "school": 40}),
             ("incidents.index", {"status": "open", "page": 2}),
             ("incidents.index", {"q": "bắt nạt & <x>/?", "school": None, "page": 3}),
             ("incidents.index", {"school": None, "q": "bắt nạt & <x>/?", "page": 3}),
             ("directives.tracking", {"directive_id": 4, "sort": "state", "dir": "desc"}),
             ("incidents.detail", {"incident_id": 5, "_anchor": "status-panel"}),
             ("incidents.detail", {"incident_id": 5, "_external": True}),
             ("incidents.index", {"mine": True}),
             ("static", {"filename": "app.css"})]
    for _round in range(2):  # the second time from the kept shapes
        with app.test_request_context("/", base_url=f"http://localhost{mount}/"):
            for endpoint, values in calls:
                assert web.url_for(endpoint, **values) == flask.url_for(endpoint, **values)
    with app.test_request_context("/", base_url=f"http://localhost{mount}/"):
        assert web.url_for("incidents.detail", incident_id=31) == f"{mount}/incidents/31"
        assert (web.url_for("incidents.index", page=4, school=9)
                == f"{mount}/incidents/?page=4&school=9")
        assert (web.url_for("incidents.index", status="open", page=2)
                == f"{mount}/incidents/?status=open&page=2")


def test_form_selects_are_written_as_wtforms_writes_them(app):
    """The forms' Select widget writes a select of plain choices whole, from kept options: the
    same markup as WTForms' own widget, chosen or not, required or not, with a blank choice,
    translated labels, numbers, markup to escape, and choices it leaves to WTForms."""
    import wtforms
    from wtforms.validators import InputRequired

    from district.forms import Select, SubForm, choices
    from district.i18n import lazy_gettext

    class Plain(wtforms.widgets.Select):
        """WTForms' widget, option by option."""

    options = [("a", "Một"), ("b<", 'Hai "&"'), ("", "Trống"), (3, "Ba")]
    kinds = {
        "plain": [wtforms.SelectChoice(value, label) for value, label in options],
        "blank": choices(dict(options[:2]), blank="— Chọn —"),
        "lazy": [wtforms.SelectChoice("x", lazy_gettext("Vụ việc")),
                 wtforms.SelectChoice("y", lazy_gettext("Trường"))],
        "attributes": [wtforms.SelectChoice("a", "Một", render_kw={"disabled": True}),
                       wtforms.SelectChoice("b", "Hai")],
        "groups": [wtforms.SelectChoice("a", "Một", optgroup="G"),
                   wtforms.SelectChoice("b", "Hai", optgroup="G")],
    }
    for kind, given in kinds.items():
        for data in (None, "", "a", "b<", "x", "3", "nothing"):
            for required in (False, True):
                validators = [InputRequired()] if required else []

                class Form(SubForm):
                    ours = wtforms.SelectField(choices=given, validators=validators,
                                               widget=Select(), validate_choice=False)
                    theirs = wtforms.SelectField(choices=given, validators=validators,
                                                 widget=Plain(), validate_choice=False)

                with app.test_request_context("/"):
                    form = Form(data={"ours": data, "theirs": data})
                    for _ in range(2):  # the second time from the kept options
                        ours = str(form.ours()).replace('"ours"', '"field"')
                        theirs = str(form.theirs()).replace('"theirs"', '"field"')
                        assert ours == theirs, (kind, data, required)
