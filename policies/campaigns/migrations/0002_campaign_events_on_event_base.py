"""Campaign events take the portal's event shape (portal.workflow.EventBase) and name their action.

Every row is kept: the fields are altered in place (wider statuses, the note becomes a text, the
campaign and the actor are protected), then `action` is added and filled from each row's statuses.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_actions(apps, schema_editor):
    """created: no status before; launched: → launching; launch_finished: launching → launched;
    closed: → closed. The field was added with "created", so only the others are written here."""
    CampaignEvent = apps.get_model("campaigns", "CampaignEvent")
    events = CampaignEvent.objects.exclude(from_status="")
    events.filter(to_status="launching").update(action="launched")
    events.filter(from_status="launching", to_status="launched").update(action="launch_finished")
    events.filter(to_status="closed").update(action="closed")


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaignevent",
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
            model_name="campaignevent",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="campaigns.campaign"
            ),
        ),
        migrations.AlterField(
            model_name="campaignevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="le"),
        ),
        migrations.AlterField(
            model_name="campaignevent",
            name="from_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="statut avant"),
        ),
        migrations.AlterField(
            model_name="campaignevent",
            name="to_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="statut après"),
        ),
        migrations.AlterField(
            model_name="campaignevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AddField(
            model_name="campaignevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Création"),
                    ("launched", "Lancement"),
                    ("launch_finished", "Lancement terminé"),
                    ("closed", "Fermeture"),
                ],
                default="created",
                max_length=20,
                verbose_name="action",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_actions, migrations.RunPython.noop),
    ]
