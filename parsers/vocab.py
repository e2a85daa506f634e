"""The vocabulary of merger facts, declared once and reused by the warehouse, the CLI and the exports."""

from enum import StrEnum


class EventType(StrEnum):
    PROPOSAL = "proposal"
    CONSULTATION_START = "consultation_start"
    CONSULTATION_END = "consultation_end"
    PUBLIC_MEETING = "public_meeting"
    MEETING = "meeting"
    MEMBER_VOTE = "member_vote"
    GOVERNING_BODY_DECISION = "governing_body_decision"
    APPLICATION = "application"
    APPROVAL = "approval"
    EFFECTIVE = "effective"
    REJECTION = "rejection"
    WITHDRAWAL = "withdrawal"
    DEFERRAL = "deferral"


class Status(StrEnum):
    """Furthest stage a grouping has reached; negatives win when they come later."""

    PROPOSED = "proposed"
    CONSULTING = "consulting"
    VOTE_FOR = "vote_for"
    VOTE_AGAINST = "vote_against"
    APPLIED = "applied"
    APPROVED = "approved"
    MERGED = "merged"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    ABANDONED = "abandoned"
    UNKNOWN = "unknown"


class Body(StrEnum):
    """Who decided or voted."""

    GP_MEMBERS = "gp_members"
    GOVERNING_BODY = "governing_body"
    OTHER = "other"


class Outcome(StrEnum):
    """Result of a vote event."""

    FOR = "for"
    AGAINST = "against"
    PENDING = "pending"


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class OrgKind(StrEnum):
    CCG = "ccg"
    ICB = "icb"
    SUB_ICB = "sub_icb"
    STP = "stp"


class SourceKind(StrEnum):
    MODERNGOV = "moderngov"
    NEWS = "news"
    ARCHIVE = "archive"
    ODS = "ods"
