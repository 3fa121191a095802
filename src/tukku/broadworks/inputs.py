"""Reading the migration's input files from disk: the one place the package touches files, so
the checks and the plan stay pure. An extract is a `bw-extract/1` JSON file, or a folder of raw
OCI-P exchanges converted to one (`ocip`)."""

from __future__ import annotations

import json
from pathlib import Path

from tukku.broadworks.config import Config, parse_config
from tukku.broadworks.extract import Extract, parse_extract
from tukku.broadworks.ocip import ConversionError, convert_folder
from tukku.broadworks.problems import InputError, Problem


def load_extract(path: Path) -> Extract:
    """The `bw-extract/1` extract at `path` (a JSON file, or a folder of OCI-P exchanges);
    InputError lists every problem found in it, with its JSON path or its file and command."""
    if path.is_dir():
        return parse_extract(json.dumps(convert_ocip(path)))
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


def convert_ocip(folder: Path) -> dict[str, object]:
    """The `bw-extract/1` document of a folder of OCI-P exchanges, not yet checked as an
    extract; InputError names each exchange it cannot read (`file#command[n]`)."""
    try:
        return convert_folder(folder)
    except ConversionError as exc:
        raise InputError([Problem(*line.split(": ", 1)) for line in exc.problems]) from None
