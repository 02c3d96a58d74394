"""`make faults`: the fault tests of issues 6, 14 and 20, each against real processes, with figures.

    python -m bench.faults                                # all, about 15 minutes
    FAULTS_ONLY=smtp-down,channels python -m bench.faults

A fresh PostgreSQL database (seuranta_faults, or FAULTS_DATABASE) is dropped, created and
migrated each run; the SMTP sink (bench.smtp_sink), the webhook receiver of the channels scenario
(bench.webhook_sink), private redis-servers, Celery workers and beats and gunicorn are started
here, broken on purpose, and stopped at the end. Every email is counted at the sink by its
X-Seuranta-Followup header, and every channel message at the receiver by the follow-up its Mark
done link names, so "lost" and "duplicated" are what a person would see, not what the database
says. The run prints a table and writes var/faults/results.json.

The fast, deterministic cases of the same faults run in `make test`
(tests/integration/test_dispatch_faults.py); docs/reliability.md lists both with the figures.
"""
