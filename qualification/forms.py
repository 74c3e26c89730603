"""Forms for starting a qualification, the PQS and MPIDs: validation and layout only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualification.enums import Route
from qualification.models import MarketRole, Mpid, Organisation, PreQualification, Wave
from qualification.models.participants import dip_id_validator

PARTICIPANT_ROUTES = [
    (Route.SIT, _("Systems Integration Testing (SIT)")),
    (Route.QT, _("Non-SIT Qualification Testing")),
    (Route.NON_SIT_LDSO, _("Non-SIT LDSO")),
    (Route.NEW_ENTRANT_LDSO, _("New-entrant LDSO")),
    (Route.ENDURING, _("Enduring process (after the programme)")),
]


class MpidChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, mpid: Mpid) -> str:
        return f"{mpid.market_role.name} as {mpid.code}"


class QualificationStartForm(forms.Form):
    mpids = MpidChoiceField(
        queryset=Mpid.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Market roles to qualify"),
        help_text=_("Each role is qualified under one of your MPIDs."),
        error_messages={"required": _("Choose at least one market role.")},
    )
    route = forms.ChoiceField(
        choices=PARTICIPANT_ROUTES, widget=forms.RadioSelect, label=_("Qualification route")
    )
    places_reliance = forms.BooleanField(
        required=False,
        label=_("We intend to place reliance on another party's testing"),
        help_text=_("For example a shared software or service provider's test evidence."),
    )
    sms_exemption_requested = forms.BooleanField(
        required=False,
        label=_("We ask for the Smart Meter Segment exemption (P476, Suppliers only)"),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mpids"].queryset = organisation.mpids.select_related("market_role")

    def clean(self):
        cleaned = super().clean()
        mpids = cleaned.get("mpids") or []
        roles = [m.market_role.code for m in mpids]
        if len(roles) != len(set(roles)):
            raise forms.ValidationError(_("Choose one MPID per market role."))
        if cleaned.get("sms_exemption_requested") and "SUP" not in roles:
            self.add_error(
                "sms_exemption_requested",
                _("Only a Supplier can ask for the Smart Meter Segment exemption."),
            )
        route = cleaned.get("route")
        ldso_routes = {Route.NON_SIT_LDSO, Route.NEW_ENTRANT_LDSO}
        if route in ldso_routes and set(roles) - {"LDSO"}:
            self.add_error("route", _("The LDSO routes are for LDSOs only."))
        return cleaned


class PreQualificationForm(forms.ModelForm):
    class Meta:
        model = PreQualification
        fields = [
            "preferred_wave",
            "pit_approach",
            "pit_starts",
            "pit_ends",
            "target_migration_date",
            "places_reliance",
            "reliance_summary",
        ]
        widgets = {
            "pit_starts": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pit_ends": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_migration_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reliance_summary": forms.Textarea(attrs={"rows": 3}),
            "pit_approach": forms.RadioSelect,
        }
        labels = {
            "preferred_wave": _("Preferred Qualification Testing Wave"),
            "pit_approach": _("How you will run Pre-Integration Testing (PIT)"),
        }
        help_texts = dict.fromkeys(
            ("pit_starts", "pit_ends", "target_migration_date"),
            _("Day, month, year: for example 31/12/2026"),
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_wave"].queryset = Wave.objects.order_by("testing_starts")
        self.fields["pit_approach"].choices = self.fields["pit_approach"].choices[1:]
        self.fields["pit_approach"].required = False

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("pit_starts"), cleaned.get("pit_ends")
        if starts and ends and ends < starts:
            self.add_error("pit_ends", _("PIT cannot end before it starts."))
        return cleaned


class PqsDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note to the participant"),
        help_text=_("Required when you return the PQS: say what needs to change."),
    )


class MpidForm(forms.ModelForm):
    # No length limit of its own: a DIP ID of the wrong length gets the format's message.
    dip_id = forms.CharField(
        label=_("DIP ID"),
        required=False,
        validators=[dip_id_validator],
        help_text=_("10 digits, as the DIP Manager issued it; leave blank until it has."),
    )

    class Meta:
        model = Mpid
        fields = ["market_role", "code", "dip_id"]
        labels = {"code": _("MPID"), "market_role": _("Market role")}
        help_texts = {"code": _("Exactly 4 upper-case letters or digits, as held in MDD.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market_role"].queryset = MarketRole.objects.order_by("position")

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_dip_id(self):
        return self.cleaned_data["dip_id"].strip()
