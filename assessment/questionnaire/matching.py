"""Matching network partners to a company's recommendations, region, size and sector."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .advice import MatchedRecommendation
from .partners import Partner, PartnerDirectory
from .text import Text


@dataclass(frozen=True)
class CompanyProfile:
    """What partner matching and benchmarks need to know of a company (ids of profile options)."""

    sector: str | None = None
    size: str | None = None
    region: str | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> CompanyProfile:
        """The profile from the answers to the profile questions `sector`, `size` and `region`."""
        values = {key: answers.get(key) for key in ("sector", "size", "region")}
        return cls(
            **{key: value if isinstance(value, str) else None for key, value in values.items()}
        )


@dataclass(frozen=True)
class MatchReason:
    """Why a partner is shown: a dimension at a level called for help with a topic."""

    match: MatchedRecommendation
    topic: str
    topic_label: Text

    def same_as(self, other: MatchReason) -> bool:
        """Whether both reasons name the same dimension and topic (said once per partner)."""
        return (self.match.dimension.id, self.topic) == (other.match.dimension.id, other.topic)

    def describe(self, language: str, fallback: str | None = None) -> str:
        """E.g. "Daten und Analyse: Einsteiger -> Datenstrategie"."""
        dimension = self.match.dimension.title.get(language, fallback)
        level = self.match.level.label.get(language, fallback)
        return f"{dimension}: {level} -> {self.topic_label.get(language, fallback)}"


@dataclass(frozen=True)
class PartnerMatch:
    """A partner to show, with every reason it was chosen."""

    partner: Partner
    reasons: tuple[MatchReason, ...]

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics the partner was matched on, without repeats."""
        return tuple(dict.fromkeys(reason.topic for reason in self.reasons))


def match_partners(
    directory: PartnerDirectory | None,
    recommendations: Iterable[MatchedRecommendation],
    profile: CompanyProfile,
) -> list[PartnerMatch]:
    """Partners whose topics the recommendations call for and who serve this company.

    Pass the recommendations in action-plan order: partners come in the order of the first
    recommendation that calls for them, and each partner's reasons follow the same order.
    """
    if directory is None:
        return []
    serving = [
        partner
        for partner in directory.partners
        if partner.serves(region=profile.region, size=profile.size, sector=profile.sector)
    ]
    reasons: dict[str, list[MatchReason]] = {}
    for match in recommendations:
        for topic in match.recommendation.partners:
            reason = MatchReason(match, topic, directory.topic_label(topic))
            for partner in serving:
                found = reasons.setdefault(partner.id, []) if topic in partner.topics else None
                if found is not None and not any(r.same_as(reason) for r in found):
                    found.append(reason)
    by_id = {partner.id: partner for partner in serving}
    return [
        PartnerMatch(by_id[partner_id], tuple(found))
        for partner_id, found in reasons.items()
        if found
    ]
