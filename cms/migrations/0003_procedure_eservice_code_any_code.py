from django.db import migrations, models


class Migration(migrations.Migration):
    """The e-service code is chosen in the admin form among the registered e-services; the column itself keeps
    any code, so that publishing a page does not fail while the module declaring its e-service is absent."""

    dependencies = [
        ("cms", "0002_portal_page_types"),
    ]

    operations = [
        migrations.AlterField(
            model_name="procedurepage",
            name="eservice_code",
            field=models.CharField(
                blank=True,
                help_text="When set, and when the commune offers this service, the page offers a button to ask online.",
                max_length=80,
                verbose_name="online service",
            ),
        ),
    ]
