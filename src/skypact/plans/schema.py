"""The JSON Schema of skypact JSON documents, generated from the model.

The shipped copy ``skypact/data/skypact.schema.json`` must equal :func:`schema_text` (a test
checks it); regenerate with ``skypact schema -o src/skypact/data/skypact.schema.json``.
"""

from __future__ import annotations

import json

from skypact.plans.model import PlanSet

__all__ = ["schema_text"]


def schema_text() -> str:
    """The JSON Schema (draft 2020-12) of a skypact JSON document, as text."""
    doc = PlanSet.model_json_schema(mode="validation")
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "$id": "https://skypact.example/schema/skypact-1.json", **doc}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
