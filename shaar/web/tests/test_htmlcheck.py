"""The page-structure check the URL matrix runs on every page it is served."""

from __future__ import annotations

from django.test import SimpleTestCase

from shaar.lib.htmlcheck import html_problems

PAGE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
        "</head><body>{body}</body></html>")


def page(body: str, title: str = "Budget open data") -> str:
    return PAGE.format(title=title, body=body)


class HtmlCheckTests(SimpleTestCase):
    def test_it_accepts_void_and_optional_end_elements(self) -> None:
        body = ('<p>One<p>Two<br><img src="x" alt=""><ul><li>a<li>b</ul>'
                "<table><thead><tr><th>h<tbody><tr><td>1<td>2</table>"
                '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>'
                "<select><option>a<option>b</select><dl><dt>t<dd>d</dl>")
        self.assertEqual(html_problems(page(body)), [])

    def test_it_reports_markup_in_the_title(self) -> None:
        problems = html_problems(page("", title='Data<section aria-labelledby="c"></section>'))
        self.assertTrue(any("markup in <title>" in p for p in problems), problems)

    def test_it_reports_escaped_markup_in_the_title(self) -> None:
        problems = html_problems(page("", title="Data&lt;b&gt;"))
        self.assertTrue(any("markup in <title>" in p for p in problems), problems)

    def test_it_reports_a_duplicate_id(self) -> None:
        problems = html_problems(page('<h2 id="columns">A</h2><div id="columns"></div>'))
        self.assertEqual(problems, ['id="columns" appears 2 times'])

    def test_it_reports_an_unclosed_element(self) -> None:
        self.assertEqual(html_problems(page("<div><span>text</div>")),
                         ["line 1: <span> not closed before </div>"])

    def test_it_reports_an_element_closed_out_of_order(self) -> None:
        problems = html_problems(page("<a><strong>x</a></strong>"))
        self.assertEqual(problems, ["line 1: <strong> not closed before </a>",
                                    "line 1: </strong> without an open <strong>"])

    def test_it_reports_a_block_inside_a_paragraph(self) -> None:
        problems = html_problems(page("<p>text<div>block</div></p>"))
        self.assertEqual(problems, ["line 1: </p> without an open <p>"])

    def test_it_reports_a_self_closed_div(self) -> None:
        problems = html_problems(page('<div class="x"/><p>after</p>'))
        self.assertTrue(any("<div/>" in p for p in problems), problems)

    def test_it_reports_an_element_left_open(self) -> None:
        self.assertEqual(html_problems(page("<main><h1>x</h1>")),
                         ["line 1: <main> not closed before </body>"])
        self.assertEqual(html_problems("<main><h1>x</h1>"), ["end of page: <main> never closed"])

    def test_it_reports_markup_in_the_title_once(self) -> None:
        title = '<section><h2 id="c">Columns</h2><table><tr><td>x</td></tr></table></section>'
        problems = html_problems(page("", title=title))
        self.assertEqual(len([p for p in problems if "markup in <title>" in p]), 1, problems)
