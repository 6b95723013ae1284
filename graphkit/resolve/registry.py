"""The registries of a records folder read as plain dicts: organisations, funds and places
(:func:`registry_entries`). One reader for every caller that only needs names and ids (the
importers, the page drafter), below both of them in the layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graphkit.errors import UsageError

__all__ = ["RegistryError", "registry_entries"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)       # libyaml when PyYAML has it: the same data, faster
FILES = {"organisations": "organisations.yaml", "funds": "funds.yaml", "places": "places.yaml"}


class RegistryError(UsageError):
    """A registry file that cannot be read (the message names the file)."""


def registry_entries(data_dir: Path | str, which: str) -> list[dict[str, Any]]:
    """The entries of one registry of ``data_dir`` (``organisations``, ``funds`` or ``places``)
    that have an ``id`` and a ``name``, in file order; a missing places file is an empty registry.

    Raises:
        RegistryError: the file cannot be read or is not YAML (naming the file).
    """
    path = Path(data_dir) / FILES[which]
    if which == "places" and not path.exists():
        return []
    try:
        items = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"{path}: cannot read the {which} registry: {exc}") from None
    if not isinstance(items, list):
        raise RegistryError(f"{path}: the {which} registry is not a list of entries")
    return [x for x in items if isinstance(x, dict) and x.get("id") and x.get("name")]
