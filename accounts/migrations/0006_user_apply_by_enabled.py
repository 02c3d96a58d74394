# The apply-by reminder's switch (issue 13).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_job_search_obligation'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='apply_by_enabled',
            field=models.BooleanField(default=True, help_text='Two business days before the deadline of an application not sent yet.', verbose_name='remind me before an application deadline'),
        ),
    ]
