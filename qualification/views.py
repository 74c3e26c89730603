from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from qualification import selectors
from qualification.models import Qualification
from qualification.rules import can_view_qualification


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "qualification/home.html", selectors.home_for(request.user))


@login_required
def qualification_detail(request: HttpRequest, public_id) -> HttpResponse:
    qualification = get_object_or_404(
        Qualification.objects.select_related("organisation", "wave"), public_id=public_id
    )
    if not can_view_qualification(request.user, qualification):
        # 404 rather than 403: another organisation's qualification does not exist for you.
        raise Http404
    return render(
        request,
        "qualification/qualification_detail.html",
        selectors.qualification_overview(qualification),
    )
