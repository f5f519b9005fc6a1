# Event and RegisterEvent now inherit portal.workflow.EventBase. Every row is kept: the timestamp `at`
# is renamed `created_at` (a column rename), the other changes only alter fields (verbose names, the
# status choices now held by the workflow map, a nullable actor, db_index) or add blank text columns
# (RegisterEvent's from_status, to_status, note: "" on existing rows). The index on (incident, at) is
# dropped before the rename and rebuilt on (incident, created_at). The new constraint
# register_kept_five_years holds for existing entries: their keep-until dates were computed five years
# or more after the knowledge date (29 February then led to 1 March, later than 28 February).

import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

import portal.dates


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_register_and_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # --- Event ------------------------------------------------------------------------------------
        migrations.RemoveIndex(model_name="event", name="event_incident_at"),
        migrations.RenameField(model_name="event", old_name="at", new_name="created_at"),
        migrations.AlterField(
            model_name="event",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="le"),
        ),
        migrations.AlterModelOptions(
            name="event",
            options={"ordering": ["created_at", "id"], "verbose_name": "événement", "verbose_name_plural": "événements"},
        ),
        migrations.AlterField(
            model_name="event",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="from_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="statut avant"),
        ),
        migrations.AlterField(
            model_name="event",
            name="to_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="statut après"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["incident", "created_at"], name="event_incident_created_at"),
        ),
        # --- RegisterEvent ----------------------------------------------------------------------------
        migrations.RenameField(model_name="registerevent", old_name="at", new_name="created_at"),
        migrations.AlterField(
            model_name="registerevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="le"),
        ),
        migrations.AlterModelOptions(
            name="registerevent",
            options={
                "ordering": ["created_at", "id"],
                "verbose_name": "historique du registre",
                "verbose_name_plural": "historique du registre",
            },
        ),
        migrations.AlterField(
            model_name="registerevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
        migrations.AlterField(
            model_name="registerevent",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="incidents.registerentry"
            ),
        ),
        migrations.AddField(
            model_name="registerevent",
            name="from_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="statut avant"),
        ),
        migrations.AddField(
            model_name="registerevent",
            name="to_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="statut après"),
        ),
        migrations.AddField(
            model_name="registerevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        # --- RegisterEntry ----------------------------------------------------------------------------
        migrations.AddConstraint(
            model_name="registerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "keep_until__gte",
                        portal.dates.AddYears(
                            django.db.models.functions.comparison.Coalesce("learned_end", "learned_start"), 5
                        ),
                    )
                ),
                name="register_kept_five_years",
            ),
        ),
    ]
