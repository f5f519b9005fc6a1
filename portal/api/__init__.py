"""The REST API through which other systems (the HR system, BI, the publishing tools) reach the portal.

Systems only: a service account's token opens it, a person's session never does (README, "API").
Each app owns its endpoints (`<app>/api.py`) and lists them in settings.PORTAL_API_ROUTES.
"""
