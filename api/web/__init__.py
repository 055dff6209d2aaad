"""The FastAPI app and its web page: ``create_app(Settings(store=…))``."""

from __future__ import annotations

from .app import create_app
from .deps import Settings

__all__ = ["Settings", "create_app"]
