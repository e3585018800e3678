# Joins two migrations made side by side: the MRN key and the working copy.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0018_patient_mrn_key"),
        ("assessments", "0018_working_copy"),
    ]

    operations = []
