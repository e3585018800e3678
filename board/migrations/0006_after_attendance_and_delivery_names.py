# Joins migrations made side by side: the attendance snapshot with the e-mail delivery names and handover kinds.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_after_delivery_names_and_handover_kinds"),
        ("meetings", "0005_delivery_no_address"),
    ]

    operations = []
