"""Portal admins load new template and criteria versions, compare, publish and move work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.models import CriteriaSet
from assessment.services.checks import checks_rerun_criteria_set, rerun_progress
from assessment.services.criteria import (
    code_bodies_without_criteria,
    criteria_set_load,
    criteria_set_publish,
)
from portal.views.access import portal_admin_required
from qad.enums import VersionStatus
from qad.models import PublishedVersionError, QadTemplate
from qad.services.moves import move_qualification, plan_move
from qad.services.templates import qad_template_load, qad_template_publish
from qad.version_changes import changes_csv, compare_criteria, compare_templates
from qad.version_file_reader import MAX_FILE_BYTES, VersionFileError
from qualification.models import Qualification


@portal_admin_required
def versions_list(request: HttpRequest) -> HttpResponse:
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind")
        if upload is None or kind not in ("template", "criteria"):
            problems = [_("Choose what kind of file it is and the file.")]
        elif upload.size > MAX_FILE_BYTES:
            problems = [_("The file is larger than %(n)s bytes.") % {"n": f"{MAX_FILE_BYTES:,}"}]
        else:
            loader = qad_template_load if kind == "template" else criteria_set_load
            try:
                result = loader(
                    filename=upload.name,
                    content=upload.read(),
                    publish=False,
                    loaded_by=request.user,
                )
            except VersionFileError as error:
                problems = [str(p) for p in error.problems]
            else:
                if not result.created:
                    messages.info(request, result.summary)
                else:
                    messages.success(request, result.summary.replace("(draft)", "as a draft"))
                target = "template-version" if kind == "template" else "criteria-version"
                return redirect(target, pk=result.version.pk)
        status = 400
    return render(
        request,
        "qad/versions/list.html",
        {
            "templates": QadTemplate.objects.order_by("document_code", "-loaded_at"),
            "criteria_sets": CriteriaSet.objects.select_related("code_body", "template").order_by(
                "code_body__position", "-loaded_at"
            ),
            "problems": problems,
            "filename": getattr(request.FILES.get("file"), "name", ""),
        },
        status=status,
    )


def _replaced_template(template: QadTemplate) -> QadTemplate | None:
    current = (
        QadTemplate.objects.filter(
            document_code=template.document_code, status=VersionStatus.PUBLISHED
        )
        .exclude(pk=template.pk)
        .order_by("-published_at")
        .first()
    )
    return current or (
        QadTemplate.objects.filter(document_code=template.document_code)
        .exclude(pk=template.pk)
        .order_by("-loaded_at")
        .first()
    )


@portal_admin_required
def template_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(QadTemplate, pk=pk)
    previous = _replaced_template(template)
    changes = compare_templates(previous, template)
    if request.GET.get("format") == "csv":
        response = HttpResponse(changes_csv(changes), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="changes-{template.document_code}-v{template.version}.csv"'
        )
        return response
    return render(
        request,
        "qad/versions/template.html",
        {
            "template": template,
            "previous": previous,
            "changes": changes,
            "sections": template.sections.prefetch_related("questions").order_by("position"),
            "counts": _counts(changes),
            "missing_criteria": code_bodies_without_criteria(template),
            # Each Code Body's criteria for this version, each with its own comparison.
            "criteria_sets": CriteriaSet.objects.filter(CriteriaSet.applying_to(template.pk))
            .exclude(status=VersionStatus.SUPERSEDED)
            .select_related("code_body")
            .distinct()
            .order_by("code_body__position", "-loaded_at"),
        },
    )


def _missing_criteria_warning(template: QadTemplate) -> str:
    bodies = code_bodies_without_criteria(template)
    if not bodies:
        return ""
    return _(
        "No published criteria for %(t)s from %(bodies)s: their reviews of work on %(t)s "
        "will have no criteria until criteria for it are loaded and published."
    ) % {"t": template, "bodies": ", ".join(body.code for body in bodies)}


def _counts(changes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts


@require_POST
@portal_admin_required
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(QadTemplate, pk=pk)
    try:
        qad_template_publish(
            template=template,
            by=request.user,
            accepted_gaps=request.POST.getlist("accept_gap"),
            reason=request.POST.get("reason", ""),
        )
    except PublishedVersionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(t)s is published: new qualifications use it.") % {"t": template}
        )
        if warning := _missing_criteria_warning(template):
            messages.warning(request, warning)
    return redirect("template-version", pk=template.pk)


@portal_admin_required
def criteria_version(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(
        CriteriaSet.objects.select_related("code_body", "template"), pk=pk
    )
    previous = (
        CriteriaSet.objects.filter(code_body=criteria_set.code_body)
        .exclude(pk=criteria_set.pk)
        .order_by("-published_at", "-loaded_at")
        .first()
    )
    changes = compare_criteria(previous, criteria_set)
    if request.GET.get("format") == "csv":
        response = HttpResponse(changes_csv(changes), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="changes-{criteria_set.code_body.code}-criteria-'
            f'v{criteria_set.version}.csv"'
        )
        return response
    return render(
        request,
        "qad/versions/criteria.html",
        {
            "criteria_set": criteria_set,
            "previous": previous,
            "changes": changes,
            "criteria": criteria_set.criteria.prefetch_related("questions").order_by("position"),
            "counts": _counts(changes),
            "rerun": rerun_progress(criteria_set),
        },
    )


@require_POST
@portal_admin_required
def criteria_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the checks again on every submitted QAD checked against this criteria version."""
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    try:
        checks_rerun_criteria_set(criteria_set=criteria_set, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The automated checks are running again."))
    return redirect("criteria-version", pk=criteria_set.pk)


@require_GET
@portal_admin_required
def criteria_recheck_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the latest re-run has got (the criteria-version page polls it)."""
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    return render(
        request,
        "qad/versions/partials/recheck_progress.html",
        {"criteria_set": criteria_set, "rerun": rerun_progress(criteria_set)},
    )


@require_POST
@portal_admin_required
def criteria_publish(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    try:
        criteria_set_publish(criteria_set=criteria_set, by=request.user)
    except PublishedVersionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(c)s is published.") % {"c": criteria_set})
    return redirect("criteria-version", pk=criteria_set.pk)


@portal_admin_required
def template_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose qualifications, preview what moving them does, then move them."""
    template = get_object_or_404(QadTemplate, pk=pk)
    candidates = (
        Qualification.objects.filter(submissions__template__document_code=template.document_code)
        .exclude(submissions__template=template)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__legal_name")
    )
    chosen = request.POST.getlist("qualifications")
    if request.POST.get("all_drafts"):
        # Every candidate is planned: the drafts to move, and the submitted work that stays
        # (with why), so the admin sees what the move leaves behind.
        chosen = [str(q.public_id) for q in candidates]
    selected = [q for q in candidates if str(q.public_id) in chosen]
    plans = [plan_move(q, template) for q in (selected if request.method == "POST" else [])]
    results = []
    if request.method == "POST" and request.POST.get("apply"):
        for plan in plans:
            if not plan.movable:
                results.append((plan.qualification, plan.blocked))
                continue
            try:
                move = move_qualification(
                    qualification=plan.qualification, to_template=template, by=request.user
                )
            except ValueError as error:
                results.append((plan.qualification, str(error)))
            else:
                results.append(
                    (
                        plan.qualification,
                        _(
                            "moved: %(c)s carried (%(r)s to confirm), %(o)s kept without a "
                            "question, %(a)s new"
                        )
                        % {
                            "c": move.carried,
                            "r": move.reworded,
                            "o": move.orphaned,
                            "a": move.added,
                        },
                    )
                )
        plans = []
    return render(
        request,
        "qad/versions/move.html",
        {
            "template": template,
            "candidates": candidates,
            "plans": [plan for plan in plans if plan.movable],
            "staying": [plan for plan in plans if not plan.movable],
            "chosen": {str(q.public_id) for q in selected},
            "results": results,
            "missing_criteria": code_bodies_without_criteria(template),
        },
    )
