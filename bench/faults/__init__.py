"""`make faults`: the fault tests of issue 6, each against real processes, each with its figures.

    python -m bench.faults                                # all, about 12 minutes
    FAULTS_ONLY=smtp-down,beat-down python -m bench.faults

A fresh PostgreSQL database (seuranta_faults) is dropped, created and migrated each run; the SMTP
sink (bench.smtp_sink), private redis-servers, Celery workers and beats and gunicorn are started
here, broken on purpose, and stopped at the end. Every email is counted at the sink by its
X-Seuranta-Followup header, so "lost" and "duplicated" are what a user's inbox would see, not
what the database says. The run prints a table and writes var/faults/results.json.

The fast, deterministic cases of the same faults run in `make test`
(tests/integration/test_dispatch_faults.py); docs/reliability.md lists both with the figures.
"""
