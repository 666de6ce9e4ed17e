"""Shared steps of the per-app scoping walks: read the OpenAPI schema, call each path, prove none escapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def api_paths(client: Any, prefix: str) -> dict[str, dict[str, Any]]:
    """The schema's paths under `prefix` (e.g. /api/v1/hazmat), with the prefix removed."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return {p.removeprefix(prefix): ops for p, ops in paths.items() if p.startswith(f"{prefix}/")}


def call(client: Any, method: str, url: str, body: Any) -> Any:
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type="application/json")


def assert_every_path_walked(paths: Mapping[str, Mapping[str, Any]], detail_requests: Mapping[tuple[str, str], Any],
                             known_collections: set[str], prefix: str) -> None:
    """Every {pk} path and method is in the walk, every other path is known, and none is served anonymously."""
    detail = {(p, m) for p, ops in paths.items() if "{pk}" in p for m in ops}
    assert detail, f"the schema lists no detail endpoints under {prefix}"
    assert detail == set(detail_requests), detail ^ set(detail_requests)
    others = {p for p in paths if "{pk}" not in p}
    assert others <= known_collections, others - known_collections
    for p, ops in paths.items():
        for operation in ops.values():
            assert operation.get("security"), f"{prefix}{p} is served without authentication"
