"""Channel icons: one small inline SVG symbol per channel family, drawn here (no icon font, no
emoji), stroked with ``currentColor`` on a 24×24 grid."""

from __future__ import annotations

from collections.abc import Iterable

from parcours.model.vocabulary import Channel

#: Channel → family; each family has one symbol.
FAMILY: dict[Channel, str] = {
    Channel.WEBSITE: "web",
    Channel.BLOG: "web",
    Channel.MARKETPLACE: "web",
    Channel.ONLINE_ADS: "web",
    Channel.SEARCH_ENGINE: "search",
    Channel.REVIEW_SITE: "review",
    Channel.MOBILE_APP: "mobile",
    Channel.SMS: "mobile",
    Channel.SOCIAL_NETWORK: "social",
    Channel.EMAIL: "mail",
    Channel.MAIL: "mail",
    Channel.CHATBOT: "chat",
    Channel.LIVE_CHAT: "chat",
    Channel.VIDEO: "video",
    Channel.WEBINAR: "video",
    Channel.TV_RADIO: "video",
    Channel.PHONE: "phone",
    Channel.CALL_CENTRE: "phone",
    Channel.STORE: "store",
    Channel.KIOSK: "store",
    Channel.EVENT: "people",
    Channel.SALES_REP: "people",
    Channel.WORD_OF_MOUTH: "people",
    Channel.PRINT_ADS: "print",
    Channel.DELIVERY: "parcel",
    Channel.PACKAGING: "parcel",
    Channel.OTHER: "other",
}

#: Family → the inside of its ``<symbol viewBox="0 0 24 24">``.
SYMBOLS: dict[str, str] = {
    "web": '<circle cx="12" cy="12" r="9"/>'
    '<path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"/>',
    "search": '<circle cx="10" cy="10" r="6"/><path d="M14.5 14.5 21 21"/>',
    "review": '<path d="m12 3 2.7 5.6 6.1.8-4.5 4.2 1.1 6.1L12 16.8'
    'l-5.4 2.9 1.1-6.1-4.5-4.2 6.1-.8z"/>',
    "mobile": '<rect x="7" y="2.5" width="10" height="19" rx="2"/><path d="M11 18.5h2"/>',
    "social": '<circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="6" r="2.5"/>'
    '<circle cx="18" cy="18" r="2.5"/><path d="m8.2 10.9 7.6-3.8M8.2 13.1l7.6 3.8"/>',
    "mail": '<rect x="3" y="5.5" width="18" height="13" rx="1.5"/><path d="m3.5 6.5 8.5 7 8.5-7"/>',
    "chat": '<path d="M4 5h16v10H10l-5 4v-4H4z"/><path d="M8 10h.01M12 10h.01M16 10h.01"/>',
    "video": '<rect x="3" y="5" width="18" height="13" rx="2"/><path d="m10 8.5 5 3-5 3z"/>'
    '<path d="M8 21h8"/>',
    "phone": '<path d="M4 14v-2a8 8 0 0 1 16 0v2"/><rect x="3" y="13" width="4" height="6" rx="1"/>'
    '<rect x="17" y="13" width="4" height="6" rx="1"/><path d="M19 19c0 2-2 2.5-5 2.5"/>',
    "store": '<path d="M3 9 5 4h14l2 5z"/><path d="M4.5 9v11h15V9"/><path d="M10 20v-6h4v6"/>',
    "people": '<circle cx="12" cy="7.5" r="3.5"/><path d="M4.5 20.5a7.5 7.5 0 0 1 15 0"/>',
    "print": '<path d="M6 2.5h9l4 4v15H6z"/><path d="M15 2.5v4h4M9 11h7M9 14h7M9 17h5"/>',
    "parcel": '<path d="m12 2.5 8.5 4.5v10L12 21.5 3.5 17V7z"/><path d="m3.5 7 8.5 4.5L20.5 7'
    'M12 11.5v10M7.8 4.8l8.5 4.5"/>',
    "other": '<circle cx="12" cy="12" r="9"/><path d="M8 12h.01M12 12h.01M16 12h.01"/>',
}


def family(channel: Channel) -> str:
    return FAMILY[channel]


def sprite(channels: Iterable[Channel]) -> list[tuple[str, str]]:
    """(family, symbol body) for every family the given channels use, in a stable order."""
    used = {FAMILY[channel] for channel in channels}
    return [(name, body) for name, body in SYMBOLS.items() if name in used]
