"""A comment's text is shown as typed, with a small Markdown subset: no HTML, no script, no
link other than http(s) gets through."""

from __future__ import annotations

import pytest

from parcours.render.comment_text import comment_html


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("**gras** et *italique*", "<strong>gras</strong> et <em>italique</em>"),
        ("`<b>x</b>`", "<code>&lt;b&gt;x&lt;/b&gt;</code>"),
        (
            "[doc](https://example.org/a?b=1&c=2)",
            '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
            "doc</a>",
        ),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        (
            '[x](https://a.org/"onmouseover="alert(1))',
            "[x](https://a.org/&#34;onmouseover=&#34;alert(1))",
        ),
        ("**<img src=x onerror=alert(1)>**", "<strong>&lt;img src=x onerror=alert(1)&gt;</strong>"),
        ("a\nb", "a<br>\nb"),
        ("2 * 3 * 4", "2 * 3 * 4"),
    ],
)
def test_the_markdown_subset_and_nothing_else(body: str, html: str) -> None:
    assert str(comment_html(body)) == html


def test_mentions_of_members_are_badges() -> None:
    html = str(comment_html("@lea et @zoe, voir @lea@example.org.", {"lea", "lea@example.org"}))
    assert html == (
        '<span class="mention">@lea</span> et @zoe, voir '
        '<span class="mention">@lea@example.org</span>.'
    )
