"""Every read of a request, a consent or their files is recorded (portal rule, docs/rules.md).

The one function the pages call: it writes this app's read records today and is the place to hand
them to a portal-wide read audit once one exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from .models import ReadRecord


def read_record(*, user: AbstractBaseUser, obj: models.Model, action: str = ReadRecord.Action.VIEW) -> ReadRecord:
    """One row per page view or download; rows are only ever added."""
    if action not in ReadRecord.Action.values:
        raise ValueError(f"unknown read action {action!r}")
    return ReadRecord.objects.create(user=user, subject=obj._meta.model_name, object_id=obj.pk, action=action)
