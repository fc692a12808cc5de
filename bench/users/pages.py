"""Reading the portal's HTML: a form's fields as a browser would submit them, the page count of a list,
the error messages on a page, and whether a page is the login page. The only place that knows the markup."""
import html
import re
from html.parser import HTMLParser


class FormReader(HTMLParser):
    """Name → value of the inputs, selects and textareas of one form (id="model_form"), as a browser
    would submit them (no submit buttons, no files, unchecked boxes left out)."""

    def __init__(self, form_id="model_form"):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ("y" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in a or not self.fields.get(self._select):
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


PAGES = re.compile(r"pagina\s+(\d+)\s+van\s+(\d+)")
ALERT = re.compile(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', re.S)


def alert_text(body):
    """The page's error messages (the flash and those under the fields), as text."""
    texts = [" ".join(re.sub(r"<[^>]+>|&times;|×", " ", html.unescape(m)).split()) for m in ALERT.findall(body)]
    return " | ".join(t for t in texts if t)[:400]


def is_login_page(body):
    return 'name="password"' in body and 'name="username"' in body


def no_alert(body):
    return "search_refused" if ALERT.search(body) else None


def page_count(body):
    m = PAGES.search(body)
    return int(m.group(2)) if m else 1
