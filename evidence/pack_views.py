"""Evidence packs: a provider or vendor publishes evidence once for every customer that
relies on it, and chooses who may."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from evidence.models import EvidencePack
from evidence.rules import can_manage_packs
from evidence.services import pack_create, pack_evidence_types, pack_grant, pack_upload
from evidence.uploads import EvidenceUploadHandler, digests_for
from evidence.views import refuse_too_large, upload_answer
from qualification.identifiers import as_uuid
from qualification.input_hygiene import refuses_unreadable_text
from qualification.models import Organisation
from qualification.rules import can_view_organisation


def _organisation_for_admin(user, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_view_organisation(user, organisation):
        raise Http404
    if not can_manage_packs(user, organisation):
        raise PermissionDenied(_("Only the organisation admin can manage evidence packs."))
    return organisation


def _pack_for_admin(user, public_id) -> EvidencePack:
    pack = get_object_or_404(EvidencePack.objects.select_related("publisher"), public_id=public_id)
    if not can_view_organisation(user, pack.publisher):
        raise Http404
    if not can_manage_packs(user, pack.publisher):
        raise PermissionDenied(_("Only the organisation admin can manage evidence packs."))
    return pack


@login_required
def pack_list(request: HttpRequest, public_id) -> HttpResponse:
    organisation = _organisation_for_admin(request.user, public_id)
    if request.method == "POST":
        try:
            pack = pack_create(
                publisher=organisation,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("pack-detail", public_id=pack.public_id)
    return render(
        request,
        "evidence/pack_list.html",
        {
            "organisation": organisation,
            "packs": organisation.published_packs.prefetch_related("granted_to", "items"),
        },
    )


@login_required
def pack_detail(request: HttpRequest, public_id) -> HttpResponse:
    pack = _pack_for_admin(request.user, public_id)
    return render(
        request,
        "evidence/pack_detail.html",
        {
            "pack": pack,
            "items": pack.items.select_related("stored_file", "uploaded_by"),
            "granted": pack.granted_to.order_by("legal_name"),
            "evidence_types": list(pack_evidence_types().items()),
            "max_bytes": settings.EVIDENCE_MAX_BYTES,
            "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        },
    )


@csrf_exempt
@login_required
def pack_upload_view(request: HttpRequest, public_id) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    pack = _pack_for_admin(request.user, public_id)
    back = reverse("pack-detail", kwargs={"public_id": pack.public_id})
    too_large = refuse_too_large(request, back)
    if too_large is not None:
        return too_large
    request.upload_handlers.insert(0, EvidenceUploadHandler(request))
    return _receive(request, pack)


@csrf_protect
@refuses_unreadable_text
def _receive(request: HttpRequest, pack) -> HttpResponse:
    back = reverse("pack-detail", kwargs={"public_id": pack.public_id})
    files = request.FILES.getlist("files")
    received = digests_for(request, "files")
    if not files or len(files) != len(received):
        return upload_answer(request, ok=False, notes=[_("Choose a file to upload.")], back=back)
    try:
        for upload, digest in zip(files, received, strict=True):
            pack_upload(
                pack=pack,
                upload=upload,
                sha256=digest.sha256,
                title=request.POST.get("title", "") if len(files) == 1 else "",
                evidence_type=request.POST.get("evidence_type", ""),
                by=request.user,
            )
    except ValidationError as error:
        return upload_answer(request, ok=False, notes=error.messages, back=back)
    return upload_answer(
        request, ok=True, notes=[_("Added to the pack; the files are being checked.")], back=back
    )


@require_POST
@login_required
def pack_share(request: HttpRequest, public_id) -> HttpResponse:
    pack = _pack_for_admin(request.user, public_id)
    wanted = request.POST.get("organisation", "").strip()
    grant = request.POST.get("action", "grant") == "grant"
    organisation = (
        Organisation.objects.filter(
            Q(company_number__iexact=wanted)
            | Q(mpids__code__iexact=wanted)
            | Q(public_id=as_uuid(wanted))
        ).first()
        if wanted
        else None
    )
    if organisation is None:
        messages.error(request, _("No organisation has that company number or MPID."))
    else:
        try:
            pack_grant(pack=pack, organisation=organisation, by=request.user, grant=grant)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                (_("Shared with %(org)s.") if grant else _("No longer shared with %(org)s."))
                % {"org": organisation.legal_name},
            )
    return redirect("pack-detail", public_id=pack.public_id)
