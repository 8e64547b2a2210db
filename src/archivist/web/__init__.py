"""The web interface: server-rendered pages and JSON over the store."""

from archivist.web.app import create_app

__all__ = ["create_app"]
