"""Moving the programme's drafts onto a new version that renumbers, splits, merges and
removes questions: every draft of the 300-organisation data set that was never submitted,
moved one qualification at a time (all or nothing each) as a portal admin does it. Prints
the time, and the answers carried, flagged for the participant to confirm and kept
read-only, and checks that no answer was lost: each one written before the move is found
after it in an answer of its draft (whole, or within merged text) or in a kept answer.

Alone, on a throwaway SQLite database:  make bench BENCH_ONLY=moves
"""

from __future__ import annotations

import copy
import statistics
import tempfile
import time

import yaml

from benchmarks.report import Row

ORGANISATIONS = 300
VERSION = "3.99"


def run(*, organisations: int = ORGANISATIONS) -> list[Row]:
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    with (
        tempfile.TemporaryDirectory(prefix="qad-moves-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        return [_measure(organisations)]


def mapped_version(document: dict) -> dict:
    """The shipped QAD as a version that follows it: in each of four sections with free-text
    questions, one question renumbered, one split in two, two merged, one removed."""
    following = copy.deepcopy(document)
    following.update(
        version=VERSION, title=f"MHHS QAD v{VERSION} (benchmark)", previous=document["version"]
    )
    following["removed"] = []
    kinds = iter(("renumbered", "split", "merged", "removed"))
    for section in following["sections"]:
        texts = [q for q in section.get("questions", []) if q["answer_type"] == "free_text"]
        if len(texts) < 2:
            continue
        kind = next(kinds, None)
        if kind is None:
            break
        first, second = texts[0], texts[1]
        base = section["ref"]
        if kind == "renumbered":
            first.update(ref=f"{base}.90", replaces=[first["ref"]])
        elif kind == "split":
            first.update(ref=f"{base}.91", split_from=first["ref"])
            section["questions"].append({**copy.deepcopy(first), "ref": f"{base}.92"})
        elif kind == "merged":
            first.update(ref=f"{base}.93", replaces=[first["ref"], second["ref"]])
            section["questions"].remove(second)
        else:
            following["removed"].append({"ref": first["ref"], "reason": "Benchmark removal."})
            section["questions"].remove(first)
    if not following["removed"]:
        del following["removed"]
    return following


def _answers_by_revision(revision_ids) -> dict[int, list]:
    from qad.models import Answer

    found: dict[int, list] = {}
    for revision_id, value in Answer.objects.filter(revision_id__in=revision_ids).values_list(
        "revision_id", "value"
    ):
        if value not in (None, "", []):
            found.setdefault(revision_id, []).append(value)
    return found


def _measure(organisations: int) -> Row:
    from django.conf import settings

    from demo.scale import NAME_PREFIX, scale_load
    from qad.models import OrphanedAnswer, QadTemplate, Revision, TemplateMove
    from qad.services.moves import move_qualification, plan_move
    from qad.services.templates import qad_template_load, qad_template_publish
    from qualification.models import Qualification, User

    if not Qualification.objects.filter(organisation__legal_name__startswith=NAME_PREFIX).exists():
        scale_load(
            organisations=organisations,
            password="bench-moves-password",
            check_runs=False,
            evidence=4,
        )
    shipped = settings.BASE_DIR / "data" / "qad" / "qad-v3.01.yaml"
    document = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    if not QadTemplate.objects.filter(version=VERSION).exists():
        loaded = qad_template_load(
            filename=f"qad-v{VERSION}.yaml",
            content=yaml.safe_dump(mapped_version(document), sort_keys=False).encode(),
            publish=False,
        ).version
        # Its criteria are not what this benchmark measures.
        qad_template_publish(
            template=loaded,
            accepted_gaps=("BSC", "REC", "DIP"),
            reason="The move benchmark's version has no criteria of its own",
        )
    target = QadTemplate.objects.get(version=VERSION)
    admin = User.objects.filter(is_staff=True).first()
    movable = [
        q
        for q in Qualification.objects.filter(organisation__legal_name__startswith=NAME_PREFIX)
        if plan_move(q, target).movable
    ]
    revisions = {
        q.pk: Revision.objects.filter(submission__qualification=q)
        .order_by("-submission__created_at", "-number")
        .values_list("pk", flat=True)
        .first()
        for q in movable
    }
    before = _answers_by_revision(revisions.values())
    timings = []
    started = time.perf_counter()
    for qualification in movable:
        began = time.perf_counter()
        move_qualification(qualification=qualification, to_template=target, by=admin)
        timings.append((time.perf_counter() - began) * 1000)
    total_ms = (time.perf_counter() - started) * 1000
    after = _answers_by_revision(revisions.values())
    kept: dict[int, list] = {}
    for revision_id, value in OrphanedAnswer.objects.filter(
        revision_id__in=revisions.values()
    ).values_list("revision_id", "value"):
        kept.setdefault(revision_id, []).append(value)
    lost = 0
    for revision_id, values in before.items():
        now = after.get(revision_id, []) + kept.get(revision_id, [])
        texts = [v for v in now if isinstance(v, str)]
        for value in values:
            if value in now or (isinstance(value, str) and any(value in t for t in texts)):
                continue
            lost += 1
    moves = TemplateMove.objects.filter(to_template=target)
    carried = sum(m.carried for m in moves)
    flagged = sum(m.reworded for m in moves)
    orphaned = sum(m.orphaned for m in moves)
    timings.sort()
    return Row(
        f"move {len(movable)} drafts onto a mapped version",
        len(movable),
        statistics.median(timings) if timings else 0.0,
        timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))] if timings else 0.0,
        note=f"{total_ms / 1000:.1f} s in all; {carried} answers carried, {flagged} flagged "
        f"to confirm, {orphaned} kept read-only, {lost} lost "
        f"(of {sum(len(v) for v in before.values())} written)",
    )


if __name__ == "__main__":
    import os
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    print(run()[0])
    sys.exit(0)
