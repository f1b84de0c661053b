"""Backward-compatibility check of every message's JSON Schema against a baseline.

    python -m tanggap.schemas.compat                     # exit 1 and list breaks
    python -m tanggap.schemas.compat --update-baseline   # accept the current schemas

``compat/baseline/<type>.json`` is the schema as released. Topics are replayed
from the start (reports.submitted is kept forever) and services deploy one at a
time, so a change must let new readers read old records *and* old readers read
new ones. Breaking:

* a message type removed;
* a field removed (renaming is removing plus adding);
* a required field added, or an optional field made required;
* a type changed, including nullability (old readers fail on ``null``);
* an enum's values changed either way (old readers refuse a new value);
* any validation constraint changed (pattern, bounds, lengths, const...).

Fine: an optional field added (readers ignore unknown event fields; a new
command field must be optional and routing deployed first), and any change of
annotations (title, description, default, examples). Updating the baseline is
a deliberate decision: record why in docs/adr/.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tanggap.schemas._paths import schemas_root
from tanggap.schemas.generate import json_schema, render_json
from tanggap.schemas.registry import MODELS

Schema = dict[str, Any]

_ANNOTATIONS = frozenset(
    {"title", "description", "examples", "default", "$comment", "deprecated", "$schema", "$id"}
)
_STRUCTURE = frozenset(
    {"$ref", "$defs", "properties", "required", "anyOf", "oneOf", "allOf", "items", "prefixItems"}
    | {"additionalProperties", "patternProperties"}
)


@dataclass(frozen=True, slots=True)
class Incompatibility:
    ce_type: str
    path: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.ce_type}: {self.path or '(root)'}: {self.kind}: {self.detail}"


def compare_schemas(old: Schema, new: Schema, ce_type: str = "") -> list[Incompatibility]:
    """Every breaking difference from ``old`` to ``new`` (empty: compatible)."""
    return _Comparison(old, new, ce_type).compare(old, new, "")


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema, ce_type: str) -> None:
        self.roots = (old_root, new_root)
        self.ce_type = ce_type
        self.active: set[tuple[str, str]] = set()

    def compare(self, old: Schema, new: Schema, path: str) -> list[Incompatibility]:
        refs = (old.get("$ref", ""), new.get("$ref", ""))
        if refs == ("", ""):
            return self._compare_resolved(old, new, path)
        if refs in self.active:
            return []  # a recursive definition, already being compared further up
        self.active.add(refs)
        try:
            return self._compare_resolved(
                _resolve(old, self.roots[0]), _resolve(new, self.roots[1]), path
            )
        finally:
            self.active.discard(refs)

    def _compare_resolved(self, old: Schema, new: Schema, path: str) -> list[Incompatibility]:
        found = self._keywords(old, new, path)
        if "properties" in old or "properties" in new:
            found += self._properties(old, new, path)
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            found += self._alternatives(key, old.get(key), new.get(key), path)
        for key in ("items", "additionalProperties"):
            if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
                found += self.compare(old[key], new[key], f"{path}[{key}]")
            elif old.get(key) != new.get(key):
                found.append(self._break(path, "constraint_changed", f"{key} changed"))
        found += self._pattern_properties(old, new, path)
        return found

    def _keywords(self, old: Schema, new: Schema, path: str) -> list[Incompatibility]:
        found = []
        for key in sorted((old.keys() | new.keys()) - _ANNOTATIONS - _STRUCTURE):
            if key.startswith("x-") or old.get(key) == new.get(key):
                continue
            if key == "enum":
                removed = sorted(set(old.get(key, [])) - set(new.get(key, [])))
                added = sorted(set(new.get(key, [])) - set(old.get(key, [])))
                found.append(self._break(path, "enum_changed", f"removed {removed}, added {added}"))
            elif key in ("type", "const", "format"):
                detail = f"{key} {old.get(key)!r} -> {new.get(key)!r}"
                found.append(self._break(path, "type_changed", detail))
            else:
                detail = f"{key} {old.get(key)!r} -> {new.get(key)!r}"
                found.append(self._break(path, "constraint_changed", detail))
        return found

    def _properties(self, old: Schema, new: Schema, path: str) -> list[Incompatibility]:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        found = []
        for name in old_props:
            where = f"{path}.{name}" if path else name
            if name not in new_props:
                found.append(self._break(where, "field_removed", "readers still expect it"))
                continue
            if name in new_required and name not in old_required:
                found.append(self._break(where, "field_now_required", "old records lack it"))
            found += self.compare(old_props[name], new_props[name], where)
        for name in new_props.keys() - old_props.keys():
            if name in new_required:
                where = f"{path}.{name}" if path else name
                found.append(self._break(where, "required_field_added", "old records lack it"))
        return found

    def _alternatives(
        self, key: str, old: list[Any] | None, new: list[Any] | None, path: str
    ) -> list[Incompatibility]:
        if old is None and new is None:
            return []
        if old is None or new is None or len(old) != len(new):
            return [self._break(path, "type_changed", f"{key} differs")]
        found = []
        for index, (old_item, new_item) in enumerate(zip(old, new, strict=True)):
            found += self.compare(old_item, new_item, f"{path}<{key}{index}>")
        return found

    def _pattern_properties(self, old: Schema, new: Schema, path: str) -> list[Incompatibility]:
        old_patterns = old.get("patternProperties", {})
        new_patterns = new.get("patternProperties", {})
        if old_patterns.keys() != new_patterns.keys():
            return [self._break(path, "constraint_changed", "patternProperties keys changed")]
        found = []
        for pattern, schema in old_patterns.items():
            found += self.compare(schema, new_patterns[pattern], f"{path}[{pattern}]")
        return found

    def _break(self, path: str, kind: str, detail: str) -> Incompatibility:
        return Incompatibility(self.ce_type, path, kind, detail)


def _resolve(schema: Schema, root: Schema) -> Schema:
    """Inline a local ``$ref`` (pydantic only emits ``#/$defs/<Name>``)."""
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, not {ref!r}")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    siblings = {key: value for key, value in schema.items() if key != "$ref"}
    return _resolve({**target, **siblings}, root)


def baseline_dir() -> Path:
    return schemas_root() / "compat" / "baseline"


def check_against_baseline(baseline: Path | None = None) -> list[Incompatibility]:
    """Compare every current model's schema with its released baseline."""
    folder = baseline_dir() if baseline is None else baseline
    current = {model.ce_type: json_schema(model) for model in MODELS}
    found: list[Incompatibility] = []
    for path in sorted(folder.glob("*.json")):
        ce_type = path.stem
        released = _load(path)
        if ce_type not in current:
            found.append(Incompatibility(ce_type, "", "type_removed", "consumers still read it"))
            continue
        found += compare_schemas(released, current[ce_type], ce_type)
    return found


def update_baseline(baseline: Path | None = None) -> list[Path]:
    """Make the current schemas the baseline; return the files that changed."""
    folder = baseline_dir() if baseline is None else baseline
    folder.mkdir(parents=True, exist_ok=True)
    expected = {folder / f"{m.ce_type}.json": render_json(json_schema(m)) for m in MODELS}
    changed = []
    for path, content in expected.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    for path in folder.glob("*.json"):
        if path not in expected:
            path.unlink()
            changed.append(path)
    return sorted(changed)


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tanggap.schemas.compat")
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument("--baseline", type=Path, default=None, help="default: compat/baseline")
    args = parser.parse_args(argv)
    if args.update_baseline:
        for path in update_baseline(args.baseline):
            sys.stdout.write(f"baseline updated: {path.name}\n")
        return 0
    found = check_against_baseline(args.baseline)
    for incompatibility in found:
        sys.stderr.write(f"BREAKING {incompatibility}\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
