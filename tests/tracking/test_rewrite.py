"""Rewriting HTML for tracking changes tracked hrefs, ses: attributes and the pixel, and
nothing else: not the visible text, not any other link target, not a byte elsewhere."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from openses.tracking.rewrite import link_tags, rewrite, trackable

PIXEL = (
    '<img alt="" src="https://t.invalid/o/1" width="1" height="1" '
    'style="border:0;width:1px;height:1px;" />'
)


class Links:
    """A track_link that numbers each link it is given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def __call__(self, link: str, tags: tuple[tuple[str, str], ...]) -> str:
        self.calls.append((link, tags))
        return f"https://t.invalid/c/{len(self.calls)}"


class Reader(HTMLParser):
    """Visible text, and every <a> tag's attributes, as a browser would read them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.anchors: list[list[tuple[str, str | None]]] = []
        self.feed(source)
        self.close()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(attrs)


def test_links_of_every_kind() -> None:
    source = (
        "<html><head><style>p { color: red; }</style></head><body>\n"
        '<!--[if mso]><a href="https://example.com/mso">mso</a><![endif]-->\n'
        "<p style='margin:0'>Hi &amp; welcome &copy;</p>\n"
        '<a href="https://example.com/plain">plain</a>\n'
        "<A HREF='https://example.com/s?q=a&amp;page=2' class=x>entities</A>\n"
        '<a ses:no-track href="https://example.com/untracked">untracked</a>\n'
        '<a href="HTTP://example.com/tagged" ses:tags="campaign:spring;variant:b-2;">tagged</a>\n'
        '<a href="mailto:someone@example.com">mail</a>\n'
        '<a href="/relative/path">relative</a> <a href="#top">anchor</a> <a name="top">x</a>\n'
        "</body></html>\n"
    )
    links = Links()
    result = rewrite(source, open_pixel_url="https://t.invalid/o/1", track_link=links)
    assert result == (
        "<html><head><style>p { color: red; }</style></head><body>\n"
        '<!--[if mso]><a href="https://example.com/mso">mso</a><![endif]-->\n'
        "<p style='margin:0'>Hi &amp; welcome &copy;</p>\n"
        '<a href="https://t.invalid/c/1">plain</a>\n'
        '<A HREF="https://t.invalid/c/2" class=x>entities</A>\n'
        '<a href="https://example.com/untracked">untracked</a>\n'
        '<a href="https://t.invalid/c/3">tagged</a>\n'
        '<a href="mailto:someone@example.com">mail</a>\n'
        '<a href="/relative/path">relative</a> <a href="#top">anchor</a> <a name="top">x</a>\n'
        f"{PIXEL}</body></html>\n"
    )
    assert links.calls == [
        ("https://example.com/plain", ()),
        ("https://example.com/s?q=a&page=2", ()),
        ("HTTP://example.com/tagged", (("campaign", "spring"), ("variant", "b-2"))),
    ]


def test_pixel_without_body_goes_at_the_end_and_replaces_the_first_placeholder() -> None:
    assert rewrite("<p>x</p>", open_pixel_url="https://t.invalid/o/1", track_link=None) == (
        f"<p>x</p>{PIXEL}"
    )
    placed = "<p>{{ses:openTracker}}x{{ses:openTracker}}</p></body>"
    assert rewrite(placed, open_pixel_url="https://t.invalid/o/1", track_link=None) == (
        f"<p>{PIXEL}x</p></body>"
    )


def test_clicks_only_adds_no_pixel_and_opens_only_keeps_links() -> None:
    source = '<body><a href="https://e.com/" ses:tags="a:b">e</a></body>'
    assert rewrite(source, open_pixel_url=None, track_link=Links()) == (
        '<body><a href="https://t.invalid/c/1">e</a></body>'
    )
    assert rewrite(source, open_pixel_url="https://t.invalid/o/1", track_link=None) == (
        f'<body><a href="https://e.com/">e</a>{PIXEL}</body>'
    )


def test_link_tags_follow_the_message_tag_rules() -> None:
    assert link_tags("a:1; b_c:x-y ;bad tag:v;k:v v;:v;k:;k2:v2:v3;noseparator") == (
        ("a", "1"),
        ("b_c", "x-y"),
    )


def test_trackable_urls() -> None:
    assert trackable(" https://e.com/a\n b ") == "https://e.com/a b"
    assert trackable("HTTPS://E.com") == "HTTPS://E.com"
    for url in (
        "mailto:x@e.com",
        "/a",
        "#a",
        "//e.com/a",
        "javascript:alert(1)",
        "http://",
        "http://[::1",
    ):
        assert trackable(url) is None


# Documents built from pieces a sender writes: text, entities, comments and links of all kinds.
_words = st.text(st.characters(codec="utf-8", exclude_characters="<>&\"'\x00\r"), max_size=12)
_hrefs = st.one_of(
    st.sampled_from(
        ["https://e.com/a?x=1&y=2", "http://e.com/", "HTTPS://E.COM/P", "https://e.com/#f"]
    ),
    st.builds(lambda w: "https://e.com/" + w, _words),
    st.sampled_from(["mailto:a@e.com", "/rel", "#anchor", "", "tel:+1", "javascript:void(0)"]),
)


@st.composite
def _anchor(draw: st.DrawFn) -> str:
    href = draw(_hrefs)
    quote = draw(st.sampled_from(['"', "'"]))
    attributes = [f"href={quote}{html.escape(href, quote=True)}{quote}"]
    if draw(st.booleans()):
        attributes.append("ses:no-track")
    if draw(st.booleans()):
        attributes.append('ses:tags="k:v;k2:w-1"')
    if draw(st.booleans()):
        attributes.append('class="btn" style="color:red"')
    attributes = draw(st.permutations(attributes))
    separator = draw(st.sampled_from([" ", "\n", "  "]))
    return f"<a{separator}{separator.join(attributes)}>{html.escape(draw(_words))}</a>"


_pieces = st.one_of(
    st.builds(html.escape, _words),
    st.sampled_from(["&amp;", "&nbsp;", "&#169;", "<br>", "<p>", "</p>", "<!-- c -->", "\n"]),
    st.just("<!--[if mso]><a href='https://e.com/mso'>m</a><![endif]-->"),
    _anchor(),
)
_documents = st.builds(
    lambda head, pieces, body: (
        (head + "".join(pieces) + ("</body></html>" if body else "")) if body else "".join(pieces)
    ),
    st.sampled_from(["<html><body>", "<!doctype html><html><head><title>t</title></head><body>"]),
    st.lists(_pieces, max_size=12),
    st.booleans(),
)


@given(_documents, st.booleans())
def test_rewriting_keeps_text_and_every_untracked_target(source: str, opens: bool) -> None:
    links = Links()
    pixel_url = "https://t.invalid/o/1" if opens else None
    result = rewrite(source, open_pixel_url=pixel_url, track_link=links)
    before, after = Reader(source), Reader(result)
    assert "".join(after.text) == "".join(before.text)
    assert "ses:" not in result
    assert len(after.anchors) == len(before.anchors)
    tracked = iter(links.calls)
    for index, (old, new) in enumerate(zip(before.anchors, after.anchors, strict=True)):
        old_values = dict(old)
        new_values = dict(new)
        href = old_values.get("href")
        url = trackable(href) if href is not None else None
        if url is not None and "ses:no-track" not in old_values:
            link, _ = next(tracked)
            assert link == url
            assert (new_values["href"] or "").startswith("https://t.invalid/c/"), index
        else:
            assert new_values.get("href") == href
        assert [(k, v) for k, v in new if not k.startswith("ses:") and k != "href"] == [
            (k, v) for k, v in old if not k.startswith("ses:") and k != "href"
        ]
    assert next(tracked, None) is None
    if not links.calls and not opens:
        assert result == source or "ses:" in source


@given(st.text(max_size=300))
def test_an_untracked_document_comes_back_byte_for_byte(source: str) -> None:
    links = Links()
    result = rewrite(source, open_pixel_url=None, track_link=links)
    if not links.calls and "ses:" not in source.lower() and "{{ses:openTracker}}" not in source:
        assert result == source


@given(
    st.lists(
        st.sampled_from(
            [
                "<a ",
                "href=",
                "'https://e.com/'",
                '"',
                " ",
                ">",
                "</a>",
                "<",
                "x",
                "ses:no-track",
                "\n",
                "<!--",
                "-->",
                "&amp;",
                "/",
            ]
        ),
        max_size=30,
    )
)
def test_markup_soup_never_breaks_the_rewriter(tokens: list[str]) -> None:
    source = "".join(tokens)
    links = Links()
    result = rewrite(source, open_pixel_url=None, track_link=links)
    if not links.calls and "ses:" not in source:
        assert result == source
    assert "".join(Reader(result).text) == "".join(Reader(source).text)
