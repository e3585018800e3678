# Joins two migrations made side by side: e-mail delivery names and the handover notification kinds.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_email_delivery_names"),
        ("meetings", "0003_notification_handover_kinds"),
    ]

    operations = []
