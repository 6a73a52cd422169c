"""The partner's page of a referral: what the firm agreed to share, and the answer."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..i18n import localize
from ..kernel.assessments import questionnaire_of
from .forms import AnswerForm
from .models import Referral
from .operations import find_referral, record_answer

#: Shown for what the company did not give.
MISSING = "\u2013"


def _referral(token: str) -> Referral:
    """The referral the token opens, else a 404 that reveals nothing."""
    referral = find_referral(token)
    if referral is None:
        abort(404, _("This link does not open a page. It may be mistyped or no longer valid."))
    return referral


def partner_page(token: str) -> Any:
    """Show the introduction and take the partner's answer."""
    referral = _referral(token)
    form = AnswerForm()
    if request.method == "POST" and referral.state != "withdrawn":
        if form.validate():
            record_answer(referral, form.state.data, (form.reason.data or "").strip())
            flash(_("Thank you, your answer is recorded."), "info")
            return redirect(url_for(".partner_page", token=token))
        return _render(referral, form), 400
    return _render(referral, form)


def _render(referral: Referral, form: AnswerForm) -> str:
    summary = [
        (f"{form[name].id}-0" if name == "state" else form[name].id, str(form[name].label.text), e)
        for name in ("state", "reason")
        for e in form[name].errors
    ]
    facts, priorities = [], []
    if referral.state != "withdrawn":
        facts, priorities = shared_facts(referral)
    return render_template(
        "referrals/partner.html",
        referral=referral,
        form=form,
        summary=summary,
        facts=facts,
        priorities=priorities,
    )


def shared_facts(referral: Referral) -> tuple[list[tuple[str, str]], list[str]]:
    """What the firm shares, in the page's language: (label, value) pairs and its priorities."""
    questionnaire = questionnaire_of(referral.assessment)
    shared = referral.shared
    facts = [(_("Company"), shared.get("company") or MISSING)]
    names = {"sector": _("Sector"), "size": _("Size"), "region": _("Region")}
    for key, value in shared.get("profile", {}).items():
        question = questionnaire.question_index.get(key)
        option = getattr(question, "choice_index", {}).get(value)
        facts.append((names[key], localize(option.label) if option else (value or MISSING)))
    if shared.get("email"):
        facts.append((_("Contact e-mail"), shared["email"]))
    titles = {d.id: localize(d.title) for d in questionnaire.dimensions}
    return facts, [titles[d] for d in shared.get("priorities", []) if d in titles]
