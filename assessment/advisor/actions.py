"""The advisor's action items: add, change, mark done, remove, show in the company's report."""

from __future__ import annotations

from typing import Any

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..kernel.models import Assessment
from ..textfields import REMOVED_MESSAGE
from . import workflow
from .forms import ActionEditForm, ActionForm, ActionStatusForm, ShareActionsForm
from .models import ActionItem
from .review import assessment_page, back_to, shared_or_404

ANCHOR = "actions-title"


def edit_form(item: ActionItem) -> ActionEditForm:
    """The form that changes one step, filled with what it holds now."""
    return ActionEditForm(prefix=f"item-{item.id}", obj=item, formdata=None)


def add_action(assessment_id: int) -> Any:
    """Add a step to the advisor's action plan."""
    found = shared_or_404(assessment_id)
    form = ActionForm(prefix="action")
    if not form.validate_on_submit():
        return assessment_page(found, 400, action_form=form)
    workflow.add_action(
        current_user, found, form.text.data.strip(), form.due_on.data, form.owner.data
    )
    flash(_("The step has been added to the action plan."), "success")
    if form.text.cleaned:
        flash(str(REMOVED_MESSAGE), "info")
    return back_to(found, ANCHOR)


def change_action(assessment_id: int, item_id: int) -> Any:
    """Change a step: its text, due date, who does it, whether it is done."""
    found = shared_or_404(assessment_id)
    form = ActionEditForm(prefix=f"item-{item_id}")
    if not form.validate_on_submit():
        _known_or_404(found, item_id)
        return assessment_page(found, 400, action_forms={item_id: form})
    changes = workflow.change_action(
        current_user,
        found,
        item_id,
        text=form.text.data.strip(),
        due_on=form.due_on.data,
        owner=form.owner.data,
        status=form.status.data,
    )
    _say(changes)
    if form.text.cleaned:
        flash(str(REMOVED_MESSAGE), "info")
    return back_to(found, f"item-{item_id}")


def set_action_status(assessment_id: int, item_id: int) -> Any:
    """Mark a step done, or open again."""
    found = shared_or_404(assessment_id)
    form = ActionStatusForm(prefix="progress")
    if not form.validate_on_submit():
        abort(400)
    _say(workflow.change_action(current_user, found, item_id, status=form.status.data))
    return back_to(found, f"item-{item_id}")


def _known_or_404(assessment: Assessment, item_id: int) -> None:
    if not any(item.id == item_id for item in workflow.action_items(assessment)):
        abort(404, _("This step is no longer in the action plan."))


def _say(changes: dict[str, list[Any]] | None) -> None:
    """Tell the advisor what became of the change: saved, nothing to save, or no such step."""
    if changes is None:
        abort(404, _("This step is no longer in the action plan."))
    if not changes:
        flash(_("Nothing was changed."), "info")
    elif set(changes) == {"status"}:
        if changes["status"][1] == "done":
            flash(_("The step is marked as done."), "success")
        else:
            flash(_("The step is open again."), "success")
    else:
        flash(_("The step has been saved."), "success")


def remove_action(assessment_id: int, item_id: int) -> Any:
    """Remove a step from the advisor's action plan."""
    found = shared_or_404(assessment_id)
    if not FlaskForm(prefix="remove").validate_on_submit():
        abort(400)
    if not workflow.remove_action(current_user, found, item_id):
        abort(404, _("This step is no longer in the action plan."))
    flash(_("The step has been removed from the action plan."), "success")
    return back_to(found, ANCHOR)


def share_actions(assessment_id: int) -> Any:
    """Choose whether the action items appear in the company's report and PDF."""
    found = shared_or_404(assessment_id)
    form = ShareActionsForm(prefix="share")
    if not form.validate_on_submit():
        return assessment_page(found, 400, share_form=form)
    if workflow.show_actions_in_report(current_user, found, bool(form.include.data)):
        if form.include.data:
            flash(_("The action items now appear in the company's report and PDF."), "success")
        else:
            flash(_("The action items no longer appear in the company's report."), "success")
    return back_to(found, ANCHOR)
