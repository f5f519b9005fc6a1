# The receipt of an anonymous or external declaration: a prefix and a slow hash, never the code.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('incidents', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Receipt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(db_index=True, max_length=8, verbose_name='préfixe')),
                ('digest', models.CharField(max_length=200, verbose_name='empreinte')),
                ('incident', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='receipt', to='incidents.incident')),
            ],
            options={
                'verbose_name': 'reçu de déclaration',
                'verbose_name_plural': 'reçus de déclaration',
            },
        ),
    ]
