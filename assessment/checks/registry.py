"""The registry of automated checks, and the contract every check keeps.

A check is a plain function registered under a name:

    @register("required_answers_present", summary="...", params=[...])
    def required_answers_present(
        ctx: RevisionContext, criterion: CriterionView, params: Params
    ) -> CheckOutcome: ...

Input: the submitted revision (as a RevisionContext, built once per run and shared by every
check), the criterion being checked (its questions that are in the revision), and the
criterion's parameters for the check from the criteria file, checked and with defaults filled
in. Output: a CheckOutcome — pass, warning, fail or not applicable — with a message in plain
English for the assessor, naming question refs, file titles and counts, and the question refs
and evidence items it concerns. A check reads; it never writes. When it cannot do its job (an
unreadable file) it raises, and the runner records an error result for that one criterion.

Criteria files name checks and give their parameters; `CHECKS` is what they may name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assessment.checks.params import Param, ParamProblem, ParamSpec, TemplateFacts
from assessment.enums import CheckStatus

if TYPE_CHECKING:
    from assessment.checks.context import CriterionView, RevisionContext

# Bump when a check's logic changes in a way that should re-run checks on submitted
# revisions: it is part of every run's fingerprint, so the sweep finds them stale.
CHECKS_VERSION = 1

Params = Mapping[str, Any]


@dataclass(frozen=True)
class CheckOutcome:
    """What one check found for one criterion."""

    status: CheckStatus
    message: str
    questions: tuple[str, ...] = ()  # question refs concerned
    evidence: tuple[str, ...] = ()  # public ids of the evidence items concerned

    @property
    def refs(self) -> dict[str, list[str]]:
        return {"questions": list(self.questions), "evidence": list(self.evidence)}


CheckFunction = Callable[["RevisionContext", "CriterionView", Params], CheckOutcome]


class InvalidParams(ValueError):
    """Stored parameters the check does not accept (a criteria set loaded before a change)."""

    def __init__(self, check: str, problems: list[ParamProblem]):
        self.problems = problems
        super().__init__(
            f"The criteria file gives {check} parameters it does not accept: "
            + "; ".join(f"{path}: {message}" for path, message in problems)
            + "."
        )


@dataclass(frozen=True)
class Check:
    name: str
    label: str  # what a participant or an assessor reads, in place of the name
    summary: str
    function: CheckFunction
    params: tuple[Param, ...] = field(default_factory=tuple)

    @property
    def spec(self) -> ParamSpec:
        return ParamSpec(self.name, self.params)

    def clean_params(
        self, raw: Mapping[str, Any], template: TemplateFacts | None = None
    ) -> tuple[dict[str, Any], list[ParamProblem]]:
        return self.spec.clean(raw, template)

    def params_for(self, raw: Mapping[str, Any] | None) -> Params:
        """The parameters to run with: checked, defaults filled in; InvalidParams if not."""
        values, problems = self.clean_params(raw or {})
        if problems:
            raise InvalidParams(self.name, problems)
        return values

    def __call__(self, ctx: RevisionContext, criterion: CriterionView, params: Params):
        return self.function(ctx, criterion, params)


CHECKS: dict[str, Check] = {}


def register(
    name: str, *, label: str = "", summary: str, params: Iterable[Param] = ()
) -> Callable[[CheckFunction], CheckFunction]:
    """Add a check to the registry under `name` (which criteria files use); `label` is what
    people read (the name, in words, when not given)."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"a check named {name!r} is registered already")
        CHECKS[name] = Check(
            name=name,
            label=label or _in_words(name),
            summary=summary,
            function=function,
            params=tuple(params),
        )
        return function

    return decorate


def _in_words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def check_label(name: str) -> str:
    """What people read for the check named `name` (also one no longer registered)."""
    check = CHECKS.get(name)
    return check.label if check else _in_words(name)


def unregister(name: str) -> None:
    """Remove a check (for tests that register one of their own)."""
    CHECKS.pop(name, None)
