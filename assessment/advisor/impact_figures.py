"""Everything the statistics page and the impact export show of the centre's impact."""

from __future__ import annotations

from dataclasses import dataclass

from ..questionnaire import Questionnaire
from .impact import Funnel, funnel
from .impact_change import ChangeFigures, change_figures
from .impact_referrals import ReferralFigures, referral_figures
from .listing import Filters


@dataclass(frozen=True)
class ImpactFigures:
    """The funnel, the referrals and the change between first and latest check."""

    funnel: Funnel
    referrals: ReferralFigures
    change: ChangeFigures


def impact_figures(
    filters: Filters, advisor_id: int | None, questionnaire: Questionnaire
) -> ImpactFigures:
    """The impact figures for one set of filters: six queries at most, whatever the data."""
    return ImpactFigures(
        funnel=funnel(filters, questionnaire),
        referrals=referral_figures(filters, advisor_id, questionnaire),
        change=change_figures(filters, advisor_id, questionnaire),
    )
