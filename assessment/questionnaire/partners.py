"""The partner directory: network partners and the topics they help with."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from .elements import Id, Model
from .text import Text

PartnerKind = Literal["public", "chamber", "research", "funding", "provider", "startup", "network"]
SizeClass = Literal["micro", "small", "medium", "large"]

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_url(value: str) -> str:
    if not _URL.match(value):
        message = "'{value}' is not a web address starting with https://"
        raise PydanticCustomError("url_format", message, {"value": value})
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError(
            "email_format", "'{value}' is not an e-mail address", {"value": value}
        )
    return value


Url = Annotated[
    str,
    Field(strict=True),
    AfterValidator(_check_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": _URL.pattern}),
]
Email = Annotated[
    str,
    Field(strict=True),
    AfterValidator(_check_email),
    WithJsonSchema({"type": "string", "format": "email"}),
]


class Topic(Model):
    """Something partners help with, named by recommendations."""

    id: Id = Field(description="Id of the topic, used in partners' and recommendations' lists.")
    label: Text = Field(description="Name of the topic as shown in reports.")
    description: Text | None = Field(None, description="What the topic covers.")


class Partner(Model):
    """An organisation of the regional network that can help companies."""

    id: Id = Field(description="Id of the partner.")
    name: Text = Field(description="Name of the organisation.")
    kind: PartnerKind = Field(description="Kind of organisation.")
    description: Text | None = Field(None, description="What the partner offers.")
    topics: tuple[Id, ...] = Field(min_length=1, description="Topics the partner helps with.")
    regions: tuple[Id, ...] = Field((), description="Region option ids served; empty: all.")
    sizes: tuple[SizeClass, ...] = Field((), description="Company sizes served; empty: all.")
    sectors: tuple[Id, ...] = Field((), description="Sector option ids served; empty: all.")
    url: Url | None = Field(None, description="Web address.")
    email: Email | None = Field(None, description="Contact e-mail address.")
    phone: str | None = Field(
        None, strict=True, min_length=1, description="Contact telephone number."
    )
    address: str | None = Field(None, strict=True, min_length=1, description="Postal address.")

    def serves(self, *, region: str | None, size: str | None, sector: str | None) -> bool:
        """Whether the partner serves a company of this region, size and sector.

        A restriction the company's profile does not answer is not met: a partner for
        Lippstadt only is not recommended to a company whose region is unknown.
        """
        return all(
            not allowed or value in allowed
            for allowed, value in (
                (self.regions, region),
                (self.sizes, size),
                (self.sectors, sector),
            )
        )


class PartnerDirectory(Model):
    """The partner directory file: declared topics (optional) and the partners."""

    topics: tuple[Topic, ...] = Field(
        (), description="Topics with their names; when given, partners may use only these."
    )
    partners: tuple[Partner, ...] = Field(description="The partners.")

    @cached_property
    def topic_index(self) -> dict[str, Topic]:
        """Declared topics by id."""
        return {topic.id: topic for topic in self.topics}

    @cached_property
    def covered_topics(self) -> frozenset[str]:
        """Every topic at least one partner helps with."""
        return frozenset(topic for partner in self.partners for topic in partner.topics)

    def topic_label(self, topic_id: str) -> Text:
        """The name of a topic (its id when the directory declares no topics)."""
        topic = self.topic_index.get(topic_id)
        return topic.label if topic else Text(topic_id)
