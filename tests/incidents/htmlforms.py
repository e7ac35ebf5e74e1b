"""The forms of a page as a browser without JavaScript would submit them: what a user sees and
presses, read from the HTML (not from the view's context)."""

from html.parser import HTMLParser


class Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = {}  # name -> value as submitted
        self.names = []  # every control's name, in order (hidden ones included)
        self.buttons = []  # the text of each submit button
        self.hidden = set()  # the names of hidden inputs

    @property
    def id(self):
        return self.attrs.get("id", "")

    @property
    def visible(self):
        """The names of the controls a user fills in (not hidden inputs)."""
        return [n for n in self.names if n not in self.hidden]

    def data(self):
        return dict(self.fields)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None
        self.button = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = Form(a)
            self.forms.append(self.form)
        if self.form is None:
            return
        if tag == "input" and a.get("name"):
            self.form.names.append(a["name"])
            if a.get("type") == "hidden":
                self.form.hidden.add(a["name"])
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.form.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
            self.form.names.append(self.select)
            self.form.fields.setdefault(self.select, None)
        elif tag == "option" and self.select:
            if self.form.fields[self.select] is None or "selected" in a:
                self.form.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.form.names.append(self.textarea)
            self.form.fields[self.textarea] = ""
        elif tag == "button":
            self.button = []

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "button" and self.form is not None and self.button is not None:
            self.form.buttons.append(" ".join("".join(self.button).split()))
            self.button = None

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form.fields[self.textarea] += data
        if self.button is not None:
            self.button.append(data)


def forms_of(html):
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_with_id(html, form_id):
    found = [f for f in forms_of(html) if f.id == form_id]
    return found[0] if found else None


def visible_text(html):
    """The page's text as read (no tags, no attribute values)."""

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def element_with_id(html, element_id):
    """(tag, attributes) of the element with this id, or None."""

    class Finder(HTMLParser):
        found = None

        def handle_starttag(self, tag, attrs):
            if self.found is None and dict(attrs).get("id") == element_id:
                self.found = (tag, dict(attrs))

    parser = Finder()
    parser.feed(html)
    return parser.found
