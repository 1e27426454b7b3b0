"""The framework file format: a JSON document an editor can move between installations.

Pure functions only (no database): reading and checking a file, and the path of the
article's framework shipped with the app. `services.framework_import/export` do the writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug

FORMAT_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FRAMEWORK_FILE = DATA_DIR / "ic-to-product-leader.json"

MAX_WORDING = 300


def read(path: Path | str) -> dict[str, Any]:
    """Read and check a framework file; raise ValidationError naming every problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"No such file: {path}") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} is not valid JSON: {exc}") from None
    check(data)
    return data


def check(data: Any) -> None:
    errors: list[str] = []

    def need(mapping: Any, key: str, where: str, *, allow_blank: bool = False) -> Any:
        if not isinstance(mapping, dict) or key not in mapping:
            errors.append(f"{where}: '{key}' is missing.")
            return None
        value = mapping[key]
        if not isinstance(value, str) or (not allow_blank and not value.strip()):
            errors.append(f"{where}: '{key}' must be a non-empty text.")
            return None
        return value

    def slug(mapping: Any, where: str, seen: set[str]) -> None:
        value = need(mapping, "slug", where)
        if value is None:
            return
        try:
            validate_slug(value)
        except ValidationError:
            errors.append(f"{where}: slug {value!r} may hold only letters, digits, - and _.")
        if value in seen:
            errors.append(f"{where}: slug {value!r} is used twice.")
        seen.add(value)

    if not isinstance(data, dict):
        raise ValidationError("A framework file must hold a JSON object.")
    if data.get("format") != FORMAT_VERSION:
        errors.append(f"'format' must be {FORMAT_VERSION}, not {data.get('format')!r}.")
    slug(data, "framework", set())
    need(data, "title", "framework")
    source = data.get("source", {})
    if source.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(source["url"])
        except ValidationError:
            errors.append("framework: source url must be an http(s) address.")
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        errors.append("framework: 'areas' must be a non-empty list.")
        areas = []
    area_slugs: set[str] = set()
    shift_slugs: set[str] = set()
    for i, area in enumerate(areas, start=1):
        where = f"area {i}"
        slug(area, where, area_slugs)
        need(area, "title", where)
        shifts = area.get("shifts") if isinstance(area, dict) else None
        if not isinstance(shifts, list) or not shifts:
            errors.append(f"{where}: 'shifts' must be a non-empty list.")
            continue
        for j, shift in enumerate(shifts, start=1):
            where_shift = f"area {i}, shift {j}"
            slug(shift, where_shift, shift_slugs)
            for key in ("from", "to"):
                text = need(shift, key, where_shift)
                if text is not None and len(text) > MAX_WORDING:
                    errors.append(
                        f"{where_shift}: '{key}' is longer than {MAX_WORDING} characters."
                    )
    if errors:
        raise ValidationError(errors)


def write(data: dict[str, Any], path: Path | str) -> None:
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
