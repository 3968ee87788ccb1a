"""The closed vocabularies of a journey map: channels, KPI kinds, quadrants, statuses.

Each vocabulary is a ``StrEnum`` whose values are the words written in journey files, with French
and English labels for rendering.
"""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    FR = "fr"
    EN = "en"


class BusinessType(StrEnum):
    B2B = "b2b"
    B2C = "b2c"


class Typology(StrEnum):
    """How a journey unfolds [seed 001]."""

    SIMPLE = "simple"  # impulse purchase
    COMPLEX = "complex"  # big purchase, much research
    LONG = "long"  # spread over time, regular follow-up


class Layout(StrEnum):
    GRID = "grid"  # tableau: stages as columns, lanes as rows
    LINEAR = "linear"  # forme linéaire: stages and touchpoints along one line


class Channel(StrEnum):
    """Every channel the seed articles name."""

    WEBSITE = "website"
    MOBILE_APP = "mobile_app"
    SOCIAL_NETWORK = "social_network"
    EMAIL = "email"
    SMS = "sms"
    CHATBOT = "chatbot"
    LIVE_CHAT = "live_chat"
    SEARCH_ENGINE = "search_engine"
    ONLINE_ADS = "online_ads"
    REVIEW_SITE = "review_site"
    MARKETPLACE = "marketplace"
    WEBINAR = "webinar"
    VIDEO = "video"
    BLOG = "blog"
    PHONE = "phone"
    CALL_CENTRE = "call_centre"
    STORE = "store"
    KIOSK = "kiosk"
    EVENT = "event"
    SALES_REP = "sales_rep"
    MAIL = "mail"
    PRINT_ADS = "print_ads"
    TV_RADIO = "tv_radio"
    WORD_OF_MOUTH = "word_of_mouth"
    DELIVERY = "delivery"
    PACKAGING = "packaging"
    OTHER = "other"

    @property
    def digital(self) -> bool:
        """Online (digital) rather than physical / offline."""
        return self in _DIGITAL


_DIGITAL = frozenset(
    {
        Channel.WEBSITE,
        Channel.MOBILE_APP,
        Channel.SOCIAL_NETWORK,
        Channel.EMAIL,
        Channel.SMS,
        Channel.CHATBOT,
        Channel.LIVE_CHAT,
        Channel.SEARCH_ENGINE,
        Channel.ONLINE_ADS,
        Channel.REVIEW_SITE,
        Channel.MARKETPLACE,
        Channel.WEBINAR,
        Channel.VIDEO,
        Channel.BLOG,
    }
)


class KpiKind(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"
    CONVERSION = "conversion"
    CLICK_THROUGH = "click_through"
    ABANDONMENT = "abandonment"
    RETENTION = "retention"
    CHURN = "churn"
    LOYALTY = "loyalty"
    RETURN_RATE = "return_rate"
    COMPLAINT_RATE = "complaint_rate"
    WAITING_TIME = "waiting_time"
    RESPONSE_TIME = "response_time"
    CUSTOM = "custom"


class KpiPeriod(StrEnum):
    """The calendar period a churn is counted per, or the horizon of a retention."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Direction(StrEnum):
    """Which way a KPI should move."""

    HIGHER = "higher"
    LOWER = "lower"


#: KPI kinds for which a lower value is better; every other kind defaults to higher.
LOWER_IS_BETTER = frozenset(
    {
        KpiKind.CES,
        KpiKind.ABANDONMENT,
        KpiKind.CHURN,
        KpiKind.RETURN_RATE,
        KpiKind.COMPLAINT_RATE,
        KpiKind.WAITING_TIME,
        KpiKind.RESPONSE_TIME,
    }
)

#: The KPI kinds measured as a share of customers (answers, orders): 0..1, shown in %.
RATE_KINDS = frozenset(
    {
        KpiKind.CONVERSION,
        KpiKind.ABANDONMENT,
        KpiKind.CLICK_THROUGH,
        KpiKind.RETENTION,
        KpiKind.CHURN,
        KpiKind.LOYALTY,
        KpiKind.RETURN_RATE,
        KpiKind.COMPLAINT_RATE,
        KpiKind.CSAT,
    }
)
#: The KPI kinds measured as a duration in seconds.
TIME_KINDS = frozenset({KpiKind.WAITING_TIME, KpiKind.RESPONSE_TIME})


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Quadrant(StrEnum):
    """Eisenhower matrix quadrants for opportunities [seed 001]."""

    DO = "do"  # important and urgent: do now
    PLAN = "plan"  # important, not urgent: schedule
    DELEGATE = "delegate"  # urgent, not important: delegate
    DROP = "drop"  # neither: drop


class Effort(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Status(StrEnum):
    IDEA = "idea"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class EvidenceKind(StrEnum):
    INTERVIEW = "interview"
    SURVEY = "survey"
    ANALYTICS = "analytics"
    REVIEW = "review"
    SUPPORT_TICKET = "support_ticket"
    SOCIAL = "social"
    WORKSHOP = "workshop"
    OTHER = "other"


class ContentKind(StrEnum):
    """Content that serves a stage [seed 002]."""

    BLOG = "blog"
    EBOOK = "ebook"
    CASE_STUDY = "case_study"
    DEMO = "demo"
    WEBINAR = "webinar"
    TESTIMONIAL = "testimonial"
    WHITE_PAPER = "white_paper"
    PRICING = "pricing"
    OBJECTION_HANDLING = "objection_handling"
    FAQ = "faq"
    VIDEO = "video"
    NEWSLETTER = "newsletter"
    OTHER = "other"


class MatchOp(StrEnum):
    """Operators of a property condition in an event matcher."""

    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    CONTAINS = "contains"
    GLOB = "glob"
    EXISTS = "exists"
