from django.core.management.base import BaseCommand, CommandParser

from demo.world import build_demo


class Command(BaseCommand):
    help = (
        "Build the demo world (organisations, users for every portal role, qualifications). "
        "Running it again creates nothing new; it only resets the demo users' password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="password for every demo user (default: a generated one)"
        )

    def handle(self, *args, **options) -> None:
        password, users = build_demo(password=options["password"])
        rows = [("E-mail", "Organisation or Code Body", "Portal role")]
        for user in users:
            rows.append((user.email, user.where or "QAD Portal", _role_label(user)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(
            "Assessors, signatories and portal admins then give a six-digit code: "
            "manage.py demo_code EMAIL prints it."
        )
        self.stdout.write(self.style.SUCCESS(f"Every demo user's password: {password}"))


def _role_label(user) -> str:
    labels = {
        "portal_admin": "Portal admin",
        "org_admin": "Organisation admin",
        "contributor": "Contributor",
        "signatory": "Signatory",
        "assessor": "Assessor",
        "lead_assessor": "Lead assessor",
    }
    label = labels[user.role]
    if user.capacity:
        label += f" ({'Company Director' if user.capacity == 'director' else 'delegate'})"
    return label
