"""Published criteria as the review pages read them, cached like published templates
(`qad.published`): a published criteria set never changes, and which set is current changes
only when one is loaded or published."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from assessment.models import CriteriaSet, Criterion
from qad.enums import VersionStatus
from qad.models import Question
from qad.published import remembered


@dataclass(frozen=True)
class CriteriaOutline:
    """A Code Body's current criteria for one template version: never to be changed by a
    reader."""

    criteria_set: CriteriaSet | None
    criteria: tuple[Criterion, ...]  # in order; `questions.all()` is loaded, by position


def _current_set(code_body_id: int, template_id: int) -> CriteriaSet | None:
    return (
        CriteriaSet.objects.filter(
            CriteriaSet.applying_to(template_id),
            code_body_id=code_body_id,
            status=VersionStatus.PUBLISHED,
        )
        .select_related("code_body")
        .order_by("-published_at")
        .first()
    )


def _outline(criteria_set: CriteriaSet | None) -> CriteriaOutline:
    if criteria_set is None:
        return CriteriaOutline(None, ())
    criteria = tuple(
        criteria_set.criteria.prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position"))
        ).order_by("position")
    )
    return CriteriaOutline(criteria_set, criteria)


def criteria_outline(*, code_body_id: int, template_id: int) -> CriteriaOutline:
    """The Code Body's current criteria for the template version: what a review starts with."""
    return remembered(
        f"criteria:{code_body_id}:{template_id}",
        lambda: _outline(_current_set(code_body_id, template_id)),
    )


def criteria_set_outline(criteria_set_id: int) -> CriteriaOutline:
    """One criteria set's criteria, as a review that keeps it reads them."""

    def build() -> CriteriaOutline:
        return _outline(CriteriaSet.objects.select_related("code_body").get(pk=criteria_set_id))

    return remembered(f"criteria-set:{criteria_set_id}", build)
