# The morning digest's preferences (issue 14).

import datetime
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_user_apply_by_enabled'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='digest_enabled',
            field=models.BooleanField(default=False, help_text='On business days, one email lists what is due that day and what is overdue.', verbose_name='Digest: send one email a day instead of each reminder'),
        ),
        migrations.AddField(
            model_name='user',
            name='digest_time',
            field=models.TimeField(default=datetime.time(8, 0), help_text='Inside your quiet hours, the digest comes when they end.', verbose_name='digest time'),
        ),
        migrations.AddIndex(
            model_name='user',
            index=models.Index(condition=models.Q(('digest_enabled', True)), fields=['id'], name='user_digest_idx'),
        ),
    ]
