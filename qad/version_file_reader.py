"""Reading version files (QAD templates, criteria sets): YAML in, every problem out.

A reader walks the parsed document and records each problem with its path in the file
("sections[3].questions[2].answer_type") instead of stopping at the first, so that whoever
edits the file can fix all of them in one go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
VERSION_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*[a-z]?$")
REF_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class VersionFileError(Exception):
    """A version file that cannot be loaded, with every problem found in it."""

    def __init__(self, filename: str, problems: Iterable[Problem]):
        self.filename = filename
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(f"{self.filename}: {problem}" for problem in self.problems)


@dataclass(frozen=True)
class Source:
    filename: str
    text: str
    sha256: str


def read_source(*, filename: str, content: bytes) -> Source:
    if len(content) > MAX_FILE_BYTES:
        raise VersionFileError(
            filename,
            [Problem("", f"the file is {len(content):,} bytes; the limit is {MAX_FILE_BYTES:,}")],
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VersionFileError(
            filename, [Problem("", f"the file is not UTF-8 text (byte {exc.start})")]
        ) from exc
    return Source(filename=filename, text=text, sha256=hashlib.sha256(content).hexdigest())


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses YAML aliases, so a small file cannot expand into a huge one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in version files", event.start_mark
            )
        return super().compose_node(parent, index)


def parse_yaml(source: Source) -> Any:
    try:
        return yaml.load(source.text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise VersionFileError(
            source.filename, [Problem(where, f"not valid YAML: {exc.problem or exc}")]
        ) from exc
    except yaml.YAMLError as exc:
        raise VersionFileError(source.filename, [Problem("", f"not valid YAML: {exc}")]) from exc


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Typed access to a parsed document that records problems rather than raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def read(self, document: Any) -> Any:
        raise NotImplementedError

    def version(self, node: dict, example: str) -> str:
        """The file's version number, quoted ("3.01": unquoted, 3.10 would read as 3.1)."""
        return self.text(
            node,
            "version",
            "",
            max_length=20,
            pattern=VERSION_PATTERN,
            pattern_hint=f'a version number such as "{example}"',
        )

    def whole_file(self, source: Source) -> Any:
        """Parse the file and read all of it; raise VersionFileError listing every problem."""
        spec = self.read(parse_yaml(source))
        if self.problems or spec is None:
            raise VersionFileError(source.filename, self.problems)
        return spec

    def problem(self, path: str, message: str) -> None:
        found = Problem(path, message)
        if found not in self.problems:
            self.problems.append(found)

    def mapping(
        self,
        value: Any,
        path: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping of keys, found {describe(value)}")
            return None
        required, optional = list(required), list(optional)
        for key in required:
            if key not in value:
                self.problem(join(path, key), "is required")
        known = set(required) | set(optional)
        for key in value:
            if key not in known:
                self.problem(
                    join(path, str(key)),
                    f"unknown key (expected one of {', '.join(sorted(known))})",
                )
        return value

    def items(self, node: dict, key: str, path: str, *, required: bool = True) -> list[Any]:
        value = node.get(key)
        if value is None:
            if required and key in node:
                self.problem(join(path, key), "expected a list, found nothing")
            return []
        if not isinstance(value, list):
            self.problem(join(path, key), f"expected a list, found {describe(value)}")
            return []
        return value

    def text(
        self,
        node: dict,
        key: str,
        path: str,
        *,
        required: bool = True,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        pattern_hint: str = "",
    ) -> str:
        value = node.get(key)
        where = join(path, key)
        if value is None:
            if required and key in node:
                self.problem(where, "must not be empty")
            return ""
        if not isinstance(value, str):
            hint = " (put it in quotes)" if isinstance(value, int | float) else ""
            self.problem(where, f"expected text, found {describe(value)}{hint}")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(where, "must not be empty")
        if max_length is not None and len(value) > max_length:
            self.problem(where, f"is {len(value)} characters long; the limit is {max_length}")
        if pattern is not None and value and not pattern.match(value):
            self.problem(where, f"{value!r} is not {pattern_hint or 'in the expected form'}")
        return value

    def boolean(self, node: dict, key: str, path: str, *, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.problem(join(path, key), f"expected true or false, found {describe(value)}")
            return default
        return value

    def date(self, node: dict, key: str, path: str) -> dt.date | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(join(path, key), f"expected a date as YYYY-MM-DD, found {describe(value)}")
        return None

    def number(self, node: dict, key: str, path: str) -> float | int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(join(path, key), f"expected a number, found {describe(value)}")
            return None
        return value

    def codes(
        self,
        node: dict,
        key: str,
        path: str,
        *,
        known: Iterable[str],
        kind: str,
        required: bool = False,
    ) -> list[str]:
        """A list of codes, each one of `known`; duplicates are reported."""
        known = set(known)
        found: list[str] = []
        if node.get(key) is None:
            if required:
                self.problem(join(path, key), "is required")
            return found
        entries = self.items(node, key, path)
        if required and not entries and isinstance(node.get(key), list):
            self.problem(join(path, key), f"must name at least one {kind}")
        for index, code in enumerate(entries):
            where = join(join(path, key), index)
            if not isinstance(code, str):
                self.problem(where, f"expected a {kind} code, found {describe(code)}")
            elif code not in known:
                self.problem(where, f"unknown {kind} {code!r} (known: {', '.join(sorted(known))})")
            elif code in found:
                self.problem(where, f"{kind} {code!r} is listed twice")
            else:
                found.append(code)
        return found

    def unique(self, seen: dict[str, str], value: str, path: str, *, what: str) -> None:
        if not value:
            return
        if value in seen:
            self.problem(path, f"{what} {value!r} is used twice (first at {seen[value]})")
        else:
            seen[value] = path

    def each(self, entries: list[Any], path: str, read: Callable[[Any, str], Any]) -> list[Any]:
        results = []
        for index, entry in enumerate(entries):
            result = read(entry, join(path, index))
            if result is not None:
                results.append(result)
        return results


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)
