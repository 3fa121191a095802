"""Base of every wire model: camelCase on the wire, snake_case in Python, unknown fields ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """Wire model: fields travel as camelCase; unknown request fields are ignored, as upstream."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")
