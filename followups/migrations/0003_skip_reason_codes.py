"""Skip reasons were stored as English sentences; they are now codes, translated when shown."""

from django.db import migrations

SENTENCES = {
    "Skipped: a thank-you note this long after the interview would read oddly.": "stale_thank_you",
    "Skipped: the reminder was more than 3 days late, too late for a thank-you note.": (
        "stale_thank_you"
    ),
    "Skipped: the interview was too long ago for a follow-up call.": "stale_call",
}


def to_codes(apps, schema_editor):
    Followup = apps.get_model("followups", "Followup")
    for sentence, code in SENTENCES.items():
        Followup.objects.filter(last_error=sentence).update(last_error=code)


def to_sentences(apps, schema_editor):
    Followup = apps.get_model("followups", "Followup")
    for sentence, code in reversed(list(SENTENCES.items())):
        Followup.objects.filter(last_error=code).update(last_error=sentence)


class Migration(migrations.Migration):
    dependencies = [("followups", "0002_followup_snoozed_until")]

    operations = [migrations.RunPython(to_codes, to_sentences)]
