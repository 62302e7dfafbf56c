"""The HTTP API and the web page: ``create_app(db_path, token)``; ``foedus serve`` runs it with uvicorn."""

from foedus.api.app import create_app

__all__ = ["create_app"]
