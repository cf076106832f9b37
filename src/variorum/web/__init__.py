"""The web interface and JSON API over the store (``variorum serve``): FastAPI, server-rendered Jinja2
pages, one local stylesheet and one small local script.

>>> from variorum.web import create_app
"""

from variorum.web.app import create_app

__all__ = ["create_app"]
