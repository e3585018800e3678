"""Create the two role groups of the referral front door: Referrer and MSCC coordinator."""

from django.db import migrations

ROLE_GROUPS = ("Referrer", "MSCC coordinator")


def create_groups(apps, schema_editor):
    for name in ROLE_GROUPS:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
