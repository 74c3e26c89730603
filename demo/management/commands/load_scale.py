import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.scale import ScaleAlreadyLoaded, scale_load
from demo.world import generate_password


class Command(BaseCommand):
    help = (
        "Build a programme-sized data set for measuring the portal: N organisations, each "
        "with a qualification, a fully answered QAD, 200 evidence files, reviews in every "
        "state and automated check results. Refuses to run twice on the same database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=300, help="organisations (default 300)")
        parser.add_argument(
            "--password", help="password of every user it creates (default: a generated one)"
        )
        parser.add_argument(
            "--no-checks",
            action="store_true",
            help="leave out the automated check results (faster; the queue shows 'not run')",
        )

    def handle(self, *args, **options) -> None:
        if options["orgs"] < 1:
            raise CommandError("--orgs must be at least 1")
        password = options["password"] or generate_password()
        started = time.perf_counter()
        try:
            report = scale_load(
                organisations=options["orgs"],
                password=password,
                check_runs=not options["no_checks"],
            )
        except ScaleAlreadyLoaded as error:
            raise CommandError(str(error)) from None
        total = time.perf_counter() - started
        for label, seconds in report.timings:
            self.stdout.write(f"  {seconds:7.2f} s  {label}")
        self.stdout.write(
            f"{report.organisations} organisations, {report.users} users, "
            f"{report.answers:,} answers, {report.evidence_items:,} evidence items "
            f"({report.evidence_links:,} links), {report.reviews} reviews, "
            f"{report.check_runs} check runs ({report.check_results:,} results)"
        )
        mix = ", ".join(f"{name} {n}" for name, n in report.scenarios.items())
        self.stdout.write(f"Stages: {mix}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded in {total:.1f} s. Every user's password: {password} "
                "(e.g. org-admin@p0001.scale.example, lead@bsc.scale.example, "
                "admin@scale.example)"
            )
        )
