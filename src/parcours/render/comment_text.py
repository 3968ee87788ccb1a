"""A comment's text as safe HTML: plain text with a small Markdown subset — ``**bold**``,
``*italic*``, ```code```, ``[text](https://...)`` links (http and https only) — and the
@mentions it names shown as badges. Everything else is escaped: ``<script>`` shows as text, a
``javascript:`` link stays text.

::

    comment_html("**Vu** avec @lea : <b>ok</b>", handles={"lea"})
    # Markup('<strong>Vu</strong> avec <span class="mention">@lea</span> : &lt;b&gt;ok&lt;/b&gt;')
"""

from __future__ import annotations

import re
from collections.abc import Collection

from markupsafe import Markup, escape

_TOKEN = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^\s()<>\"']+)\)"
    r"|\*\*(?P<bold>[^*\s](?:[^*\n]*[^*\s])?)\*\*"
    r"|(?<![*\w])\*(?P<italic>[^*\s](?:[^*\n]*[^*\s])?)\*(?![*\w])"
    r"|(?<![\w@.])@(?P<mention>[\w.%+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)"
)


def comment_html(body: str, handles: Collection[str] = ()) -> Markup:
    """``body`` as HTML: escaped, with the Markdown subset and the mentions of ``handles``
    (lower case; what each mentioned member may be called) marked up; line breaks kept."""
    out: list[str] = []
    end = 0
    for match in _TOKEN.finditer(body):
        out.append(str(escape(body[end : match.start()])))
        end = match.end()
        kind = match.lastgroup
        if kind == "code":
            out.append(f"<code>{escape(match['code'])}</code>")
        elif kind in ("label", "url"):
            url, label = escape(match["url"]), escape(match["label"])
            out.append(f'<a href="{url}" rel="nofollow noopener noreferrer">{label}</a>')
        elif kind == "bold":
            out.append(f"<strong>{escape(match['bold'])}</strong>")
        elif kind == "italic":
            out.append(f"<em>{escape(match['italic'])}</em>")
        else:
            handle = match["mention"].rstrip(".")
            text = escape("@" + handle)
            shown = f'<span class="mention">{text}</span>' if handle.lower() in handles else text
            out.append(f"{shown}{escape(match['mention'][len(handle) :])}")
    out.append(str(escape(body[end:])))
    return Markup("".join(out).replace("\n", "<br>\n"))
