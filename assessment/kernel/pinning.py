"""Pinning questionnaires: every assessment keeps the exact content it was answered with."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..questionnaire import PartnerDirectory, Questionnaire
from ..questionnaire.funding import FundingDirectory
from .kept import KeptPerObject
from .models import QuestionnaireVersion

_CACHE_SIZE = 32
_loaded: dict[str, Questionnaire] = {}
_snapshots: KeptPerObject[tuple[dict[str, Any], str]] = KeptPerObject(_CACHE_SIZE)


def snapshot(questionnaire: Questionnaire) -> tuple[dict[str, Any], str]:
    """The questionnaire and its partner and funding directories as JSON data, and the SHA-256
    of that data (a questionnaire without funding keeps the hash it had before funding).

    Worked out once per questionnaire object (they are immutable), as every check started pins
    one; callers share the data and must not change it.
    """
    return _snapshots.get((questionnaire,), lambda: _snapshot(questionnaire))


def _snapshot(questionnaire: Questionnaire) -> tuple[dict[str, Any], str]:
    directory, funding = questionnaire.directory, questionnaire.funding_directory
    data = {
        "questionnaire": questionnaire.model_dump(mode="json", by_alias=True, exclude_unset=True),
        "partners": directory.model_dump(mode="json", exclude_unset=True) if directory else None,
    }
    if funding is not None:
        data["funding"] = funding.model_dump(mode="json", by_alias=True, exclude_unset=True)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return data, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def pin(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The stored version of this exact content, stored now if it is new."""
    data, content_hash = snapshot(questionnaire)
    query = select(QuestionnaireVersion).filter_by(content_hash=content_hash)
    found = db.session.scalars(query).first()
    if found is not None:
        return found
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        content_hash=content_hash,
        snapshot=data,
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:  # another worker stored the same content a moment ago
        return db.session.scalars(query).one()
    return version


def pinned_questionnaire(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire of a stored version (parsed once per process and content)."""
    found = _loaded.get(version.content_hash)
    if found is None:
        data = version.snapshot
        partners = data.get("partners")
        directory = PartnerDirectory.model_validate(partners) if partners is not None else None
        funding = data.get("funding")
        programmes = FundingDirectory.model_validate(funding) if funding is not None else None
        found = (
            Questionnaire.model_validate(data["questionnaire"])
            .with_directory(directory)
            .with_funding(programmes)
        )
        if len(_loaded) >= _CACHE_SIZE:
            _loaded.pop(next(iter(_loaded)))
        _loaded[version.content_hash] = found
    return found
