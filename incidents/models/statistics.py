"""Incident counts kept per month and direction for the statistics page (PostgreSQL only).

Written by the database, never by the portal: triggers on the incidents table (migration 0008) append each
statement's changes to `StatisticsChange`, and a beat job folds them into `StatisticsCount`
(incidents.statistics.kept). A year of counts is then a few thousand small rows instead of a pass over
every incident of the year. Months are those of the portal's time zone; see incidents.statistics.kept.
"""

from django.db import models


class StatisticsCount(models.Model):
    """How many incidents declared in `month` of the direction (0: none) count under `key` ("total",
    "category_patient_info", "level_dcai"…: the names of incidents.statistics.figures)."""

    month = models.DateField()
    direction_id = models.IntegerField()
    key = models.CharField(max_length=40)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "direction_id", "key"], name="statisticscount_one_row")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.direction_id} {self.key} {self.n}"


class StatisticsChange(models.Model):
    """A change to a count not folded yet: appended by the triggers, never updated (no row is shared by two
    writers, so declarations never wait on one another)."""

    month = models.DateField(db_index=True)
    direction_id = models.IntegerField()
    key = models.CharField(max_length=40)
    n = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.direction_id} {self.key} {self.n:+d}"
