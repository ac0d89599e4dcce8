"""Shaar, an open-source civic platform for OGP Local cities.

Kept empty on purpose: `shaar.counting` must be importable without Django or Celery.
The Celery app is loaded by `shaar.web.apps.WebConfig.ready`.
"""
