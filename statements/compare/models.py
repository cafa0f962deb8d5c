"""The compare rollup's table (statements/compare/rollup.py): published statements and their codings counted per
month, date precision, speaker, target, stance and speech act, kept exact by database triggers."""

from django.db import models

NONE = 0  # no target: the row counts statements, not codings
NO_STANCE = 9  # a coding with no stance (never a 0), or a row of statements


class CompareCount(models.Model):
    """How many published statements (target 0) or codings of published statements (one target set) share a
    month, a date precision, a speaker, a target, a stance and a speech act. Written only by the triggers."""

    year = models.SmallIntegerField()
    month = models.SmallIntegerField()  # the stored date's month: 1 for a date known only to the year
    date_precision = models.CharField(max_length=5)
    speaker_id = models.IntegerField()
    target_country_id = models.IntegerField(default=NONE)
    target_official_id = models.IntegerField(default=NONE)
    stance = models.SmallIntegerField(default=NO_STANCE)
    act = models.CharField(max_length=10, default="", blank=True)
    statements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "month",
                    "date_precision",
                    "speaker_id",
                    "target_country_id",
                    "target_official_id",
                    "stance",
                    "act",
                ],
                name="compare_count_unique_key",
            ),
        ]
        indexes = [
            models.Index(fields=["target_country_id", "speaker_id"], name="compare_count_target_country"),
            models.Index(fields=["target_official_id", "speaker_id"], name="compare_count_target_official"),
        ]

    def __str__(self):
        return f"{self.year}-{self.month:02d} speaker {self.speaker_id}: {self.statements}"


class CompareCountChange(models.Model):
    """PostgreSQL only: the rollup's changes written by transactions not yet committed, folded into CompareCount
    at each commit (statements/compare/rollup.py). Read with the rollup so that a transaction sees its own
    writes. The table is the rollup's triggers' to create and drop: none on SQLite."""

    year = models.SmallIntegerField()
    month = models.SmallIntegerField()
    date_precision = models.CharField(max_length=5)
    speaker_id = models.IntegerField()
    target_country_id = models.IntegerField()
    target_official_id = models.IntegerField()
    stance = models.SmallIntegerField()
    act = models.CharField(max_length=10)
    statements = models.IntegerField()

    class Meta:
        managed = False
        db_table = "statements_comparecount_change"

    def __str__(self):
        return f"{self.year}-{self.month:02d} speaker {self.speaker_id}: {self.statements:+}"
