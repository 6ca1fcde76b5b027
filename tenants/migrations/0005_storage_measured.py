# The console's storage figure: the database's share is measured with the files (daily), not counted live.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0004_console_onboarding_support'),
    ]

    operations = [
        migrations.RenameField(
            model_name='commune',
            old_name='files_measured_at',
            new_name='storage_measured_at',
        ),
        migrations.AlterField(
            model_name='commune',
            name='storage_measured_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='storage measured at'),
        ),
        migrations.AddField(
            model_name='commune',
            name='database_bytes',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='database (bytes)'),
        ),
    ]
