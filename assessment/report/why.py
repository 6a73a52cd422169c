"""The report's sentences of why (a partner, a programme): a few topics and dimensions named,
the rest counted."""

from __future__ import annotations

from ..questionnaire import Dimension, Text

#: A sentence of why names this many topics and dimensions, and counts the rest.
WHY_NAMES = 3


class NamesWhy:
    """Something shown for some topics, in some of the firm's dimensions."""

    topics: tuple[Text, ...]
    dimensions: tuple[Dimension, ...]

    @property
    def first_topics(self) -> tuple[Text, ...]:
        """The topics the sentence names; the others are counted."""
        return self.topics[:WHY_NAMES]

    @property
    def first_dimensions(self) -> tuple[Dimension, ...]:
        """The dimensions the sentence names; the others are counted."""
        return self.dimensions[:WHY_NAMES]
