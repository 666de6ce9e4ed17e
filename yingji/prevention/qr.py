"""QR codes of inspection checkpoints (segno, SVG): the code carries the checkpoint's URL with its token."""

from __future__ import annotations

import io

import segno


def checkpoint_url(base_url: str, token: str) -> str:
    """What a phone opens when it scans the checkpoint: the inspection form for that checkpoint."""
    return f"{base_url.rstrip('/')}/prevention/scan/{token}/"


def svg(data: str, scale: int = 6) -> bytes:
    """The QR code of `data` as SVG (error correction M: survives some dirt on a plate in the plant)."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="svg", scale=scale, border=2)
    return out.getvalue()
