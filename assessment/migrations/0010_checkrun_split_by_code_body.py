"""Each Code Body's checks become a run of their own. A run made before this covered every
Code Body at once: it is split into one run per Code Body, each keeping its own results, so
no result an assessor has seen is lost. Their keys no longer match the new per-Code-Body
keys, so the sweep checks those revisions again and the new runs replace them."""

from collections import Counter

from django.db import migrations

STATUSES = ("pass", "warning", "fail", "not_applicable", "error")


def _tally(run, results):
    rows = list(results.values_list("status", "check_name", "criterion_id"))
    run.counts = {status: 0 for status in STATUSES}
    run.counts.update(Counter(status for status, _name, _criterion in rows))
    run.check_counts = dict(sorted(Counter(name for _status, name, _c in rows).items()))
    run.check_timings = {
        name: ms for name, ms in (run.check_timings or {}).items() if name in run.check_counts
    }
    run.criteria_checked = len({criterion for _s, _n, criterion in rows})


def split_runs_by_code_body(apps, schema_editor):
    CheckRun = apps.get_model("assessment", "CheckRun")
    CheckResult = apps.get_model("assessment", "CheckResult")
    CodeBody = apps.get_model("qualification", "CodeBody")
    by_code = dict(CodeBody.objects.values_list("code", "pk"))
    for run in CheckRun.objects.filter(code_body__isnull=True).order_by("pk"):
        versions: dict[int, list] = {}
        for version in run.criteria_versions or []:
            body = by_code.get(version.get("code_body"))
            if body is not None:
                versions.setdefault(body, []).append(version)
        for body in (
            CheckResult.objects.filter(run=run)
            .values_list("criterion__criteria_set__code_body", flat=True)
            .distinct()
        ):
            versions.setdefault(body, [])
        if not versions:
            run.delete()  # no Code Body's criteria applied: nothing was checked
            continue
        first, *others = sorted(versions)
        for body in others:
            clone = CheckRun.objects.get(pk=run.pk)
            clone.pk = None
            clone.code_body_id = body
            clone.criteria_versions = versions[body]
            clone.files_read = 0
            clone.criteria_not_applicable = 0
            clone.save()
            CheckResult.objects.filter(
                pk__in=list(
                    CheckResult.objects.filter(
                        run=run, criterion__criteria_set__code_body=body
                    ).values_list("pk", flat=True)
                )
            ).update(run=clone)
            _tally(clone, CheckResult.objects.filter(run=clone))
            clone.save()
        run.code_body_id = first
        run.criteria_versions = versions[first]
        _tally(run, CheckResult.objects.filter(run=run))
        run.save()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0009_checkrun_code_body")]

    # On its own: on PostgreSQL the rows it updates must be committed before the next
    # migration changes the table.
    operations = [migrations.RunPython(split_runs_by_code_body, migrations.RunPython.noop)]
