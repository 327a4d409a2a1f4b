"""Validates devzone's OpenAPI document against the OpenAPI 3.1 schema, with a validator
nobody here wrote (openapi-spec-validator from PyPI).

The document checked is the snapshot that `openapi_document_is_stable` compares with what
`/api/v1/openapi.json` serves, so the two cannot drift apart.

Usage: python3 tests/openapi_valid.py
"""

import json
import os
import sys

from openapi_spec_validator import validate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAPSHOT = os.path.join(ROOT, "crates/web/tests/it/snapshots/it__http__openapi.snap")

with open(SNAPSHOT, encoding="utf-8") as f:
    # An insta snapshot: a YAML header between two "---" lines, then the document.
    doc = json.loads(f.read().split("---\n", 2)[2])
validate(doc)
operations = sum(len(v) for v in doc["paths"].values())
print(f"OpenAPI {doc['openapi']} document valid: {len(doc['paths'])} paths, {operations} operations")
sys.exit(0)
