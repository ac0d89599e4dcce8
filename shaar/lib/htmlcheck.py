"""A fast structural check of a rendered HTML page, for tests (stdlib `html.parser` only).

`html_problems(text)` lists what a browser would silently repair or what breaks assistive
technology: markup in the `<title>` (a block pasted into `{% block title %}` shows its tags in
the tab), an `id` used twice (labels, `aria-labelledby` and anchors find the first one only),
and elements that are never closed or closed in the wrong order. It is no validator: it knows
HTML's void elements, the elements whose end tag may be left out, and that a block element
closes an open `<p>`; everything else must be closed explicitly and in order.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
# Elements whose end tag HTML lets the author leave out (closed by their parent's end tag or
# by a sibling; the check does not model which sibling).
OPTIONAL_END = frozenset({"html", "head", "body", "li", "dt", "dd", "p", "rt", "rp", "optgroup",
                          "option", "colgroup", "caption", "thead", "tbody", "tfoot", "tr", "td",
                          "th"})
# A start tag of one of these closes an open <p> (HTML's "close a p element").
CLOSES_P = frozenset({"address", "article", "aside", "blockquote", "details", "dialog", "div",
                      "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
                      "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav",
                      "ol", "p", "pre", "search", "section", "table", "ul"})
# A <p> inside one of these is out of reach of a start tag outside it.
P_SCOPE = frozenset({"button", "table", "td", "th", "caption", "template", "html", "object",
                     "marquee", "applet", "svg", "math"})
FOREIGN = frozenset({"svg", "math"})  # self-closing tags are allowed inside these


class _PageChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.ids: dict[str, int] = {}
        self.in_title = False
        self.title_has_markup = False
        self.title = ""

    def _where(self) -> str:
        line, _col = self.getpos()
        return f"line {line}"

    def _pop_until(self, tag: str, reason: str) -> None:
        """Close `tag` (the nearest open one), and report any element closed on the way that
        needed its own end tag."""
        while self.stack:
            top = self.stack.pop()
            if top == tag:
                return
            if top not in OPTIONAL_END:
                self.problems.append(f"{self._where()}: <{top}> not closed before {reason}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *,
               self_closing: bool) -> None:
        if self.in_title and not self.title_has_markup:
            self.title_has_markup = True  # one report per page, not one per tag
            self.problems.append(f"{self._where()}: markup in <title>: <{tag}>")
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids[value] = self.ids.get(value, 0) + 1
        if tag in CLOSES_P and "p" in self.stack:
            for open_tag in reversed(self.stack):
                if open_tag == "p":
                    self._pop_until("p", f"<{tag}> (which closes the <p>)")
                    break
                if open_tag in P_SCOPE:
                    break
        if tag in VOID:
            return
        foreign = any(t in FOREIGN for t in self.stack) or tag in FOREIGN
        if self_closing:
            if not foreign:
                self.problems.append(f"{self._where()}: <{tag}/> is not closed (only void "
                                     "and SVG elements may close themselves)")
                self.stack.append(tag)
            return
        if tag == "title":
            self.in_title = True
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in VOID:
            if tag != "br":  # </br> is parsed as <br>; anything else is dropped
                self.problems.append(f"{self._where()}: end tag of a void element </{tag}>")
            return
        if tag not in self.stack:
            # A stray </p> (often after a block element inside the <p> closed it) makes an
            # empty paragraph; other stray end tags are dropped.
            self.problems.append(f"{self._where()}: </{tag}> without an open <{tag}>")
            return
        self._pop_until(tag, f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data

    def close(self) -> None:
        super().close()
        for tag in self.stack:
            if tag not in OPTIONAL_END:
                self.problems.append(f"end of page: <{tag}> never closed")
        if "<" in self.title and not self.title_has_markup:
            self.problems.append(f"markup in <title>: {self.title.strip()[:80]!r}")
        for value, count in sorted(self.ids.items()):
            if count > 1:
                self.problems.append(f'id="{value}" appears {count} times')


def html_problems(text: str) -> list[str]:
    """What is wrong with the page's structure; an empty list when nothing is."""
    checker = _PageChecker()
    checker.feed(text)
    checker.close()
    return checker.problems
