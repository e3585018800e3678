"""Joins the two notification changes made side by side (about any page; the referral outcome) with the kinds of both."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_notification_about_any_page"),
        ("meetings", "0007_referral_outcome_notification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("returned", "Case returned by the board"),
                    ("decided", "Board decision signed"),
                    ("action", "Action assigned to you"),
                    ("handover_offered", "Case handover offered to you"),
                    ("handover_accepted", "Your handover was accepted"),
                    ("handover_declined", "Your handover was declined"),
                    ("referral_escalated", "A referral was escalated to you"),
                    ("timer_due_soon", "A referral timer is about to breach"),
                    ("timer_breached", "A referral timer breached"),
                    ("referral_outcome", "The board decided on your referral"),
                ],
                max_length=20,
            ),
        ),
    ]
