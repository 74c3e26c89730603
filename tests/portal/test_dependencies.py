"""The libraries are locked: every dependency pyproject.toml names is pinned, with hashes, in
the lock file that installs it (production and development)."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^ \\\n]+)", text, re.M)
    }


def names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


@pytest.mark.parametrize(
    "lock, extras", [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))]
)
def test_every_dependency_is_pinned_with_hashes(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = names(project["dependencies"])
    for extra in extras:
        wanted |= names(project["optional-dependencies"][extra])
    locked = pinned(lock)
    assert wanted <= set(locked), f"not in {lock}: {sorted(wanted - set(locked))}"
    text = (ROOT / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)


def test_django_is_at_least_the_security_release_the_project_asks_for():
    import django

    assert pinned("requirements.lock")["django"] == django.get_version()
    assert tuple(int(p) for p in django.get_version().split(".")[:3]) >= (5, 2, 20)
