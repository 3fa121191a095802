"""Reading the migration's input files from disk: the one place the package touches files, so
the checks and the plan stay pure. A folder of raw OCI-P XML responses will be converted here too
(later work); today a folder is refused with that explanation."""

from __future__ import annotations

from pathlib import Path

from tukku.broadworks.config import Config, parse_config
from tukku.broadworks.extract import Extract, parse_extract
from tukku.broadworks.problems import InputError, Problem


def load_extract(path: Path) -> Extract:
    """The `bw-extract/1` extract at `path`; InputError lists every problem found in it."""
    if path.is_dir():
        raise InputError(
            [Problem("$", f"{path} is a folder: converting raw OCI-P XML is not supported yet")]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem("$", f"cannot read {path}: {exc}")]) from None
    return parse_extract(text)


def load_config(path: Path) -> Config:
    """The partner configuration at `path` (`.toml` or `.json`); InputError lists its problems."""
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InputError([Problem("$", f"{path}: a configuration is a .toml or a .json file")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem("$", f"cannot read {path}: {exc}")]) from None
    return parse_config(text, "toml" if suffix == ".toml" else "json")
