"""YAML text -> plain data, remembering the line of every key and item.

Parsing a string is pure: the caller reads the file. Errors name the file,
the line and the field, e.g.
``rules.yaml:123: categories[jalan-rusak].sla.resolve.within: invalid ISO 8601 duration 'P14X'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

Path = tuple[str | int, ...]

# Fields whose mapping keys are names (rendered as ``field[key]``), not fields.
NAMED_MAPPINGS = frozenset({"categories", "areas", "answers", "questions"})


@dataclass(frozen=True, slots=True)
class Issue:
    source: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SourceError(ValueError):
    """One or more problems in a YAML data file; ``str()`` lists them, one a line."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass(frozen=True)
class YamlDocument:
    source: str
    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Iterable[str | int]) -> int:
        """Line of the deepest known prefix of ``path`` (1-based)."""
        key = tuple(path)
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key, 1)

    def issue(self, path: Iterable[str | int], message: str) -> Issue:
        path = tuple(path)
        return Issue(self.source, self.line_of(path), format_path(path), message)

    def validation_issues(self, error: ValidationError, prefix: Path = ()) -> list[Issue]:
        issues = []
        for item in error.errors(include_url=False):
            path = prefix + _clean_loc(item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "unknown field"
            elif item["type"] == "missing":
                message = "required field missing"
            issues.append(self.issue(path, message))
        return issues


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    previous: str | int | None = None
    for part in path:
        if isinstance(part, int) or previous in NAMED_MAPPINGS:
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


def _clean_loc(loc: tuple[Any, ...]) -> Path:
    """Drop pydantic's union/function tags from an error location."""
    parts: list[str | int] = []
    for part in loc:
        if isinstance(part, int) or (
            isinstance(part, str) and not any(c in part for c in "[]()") and part != ""
        ):
            parts.append(part)
    return tuple(parts)


def parse_yaml(text: str, *, source: str) -> YamlDocument:
    """Parse one YAML document; duplicate keys are errors, not silent overwrites."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceError([Issue(source, 1, "", "empty document")])
        lines: dict[Path, int] = {}
        issues: list[Issue] = []
        data = _construct(loader, node, (), lines, issues, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise SourceError([Issue(source, line, "", f"YAML syntax: {exc.problem}")]) from exc
    finally:
        loader.dispose()
    if issues:
        raise SourceError(issues)
    return YamlDocument(source=source, data=data, lines=lines)


def _construct(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    issues: list[Issue],
    source: str,
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int) or isinstance(key, bool):
                issues.append(
                    Issue(source, key_node.start_mark.line + 1, format_path(path), "bad key")
                )
                continue
            child = (*path, key)
            if key in result:
                line = key_node.start_mark.line + 1
                issues.append(Issue(source, line, format_path(child), "duplicate key"))
                continue
            lines[child] = key_node.start_mark.line + 1
            result[key] = _construct(loader, value_node, child, lines, issues, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, item, (*path, i), lines, issues, source)
            for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
