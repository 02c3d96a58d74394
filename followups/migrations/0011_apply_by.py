# The apply-by follow-up kind (issue 13): its kind, its skip reason, one per application.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followups', '0010_kinds_check_in_and_obligation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='followup',
            name='kind',
            field=models.CharField(choices=[('thank_you', 'Thank-you note'), ('call', 'Follow-up call'), ('feedback', 'Feedback request'), ('check_in', 'Application check-in'), ('obligation', 'Job-search obligation'), ('apply_by', 'Apply by')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='followup',
            name='skip_reason',
            field=models.CharField(blank=True, choices=[('stale_thank_you', 'Skipped: a thank-you note this long after the interview would read oddly.'), ('stale_call', 'Skipped: the interview was too long ago for a follow-up call.'), ('stale_feedback', 'Skipped: the outcome is too old to ask for feedback about it now.'), ('stale_obligation', 'Skipped: the review period had ended before the reminder could go.'), ('stale_apply_by', 'Skipped: the application deadline passed before the reminder could go.')], max_length=32, verbose_name='skip reason'),
        ),
        migrations.AddConstraint(
            model_name='followup',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'apply_by'), models.Q(('state', 'cancelled'), _negated=True)), fields=('application',), name='followup_one_apply_by_per_application'),
        ),
    ]
