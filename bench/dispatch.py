"""dispatch: 10 000 due follow-ups claimed, rendered, sent to the SMTP sink and marked by two
dispatcher processes, against raw smtplib pushing 10 000 copies of a real reminder email to the
same sink from two processes (the sink's and the network's limit). Every commit is durable
(PostgreSQL's default: each commit waits for the WAL flush): goal 0.35."""

import datetime
import json
import re
import subprocess
import time
from urllib.parse import urlparse

from bench import common

NAME = "dispatch"
COUNT = 10_000
PROCESSES = 2
GOAL = 0.35


def run_processes(argvs: list[list[str]], env: dict) -> tuple[float, list[dict]]:
    started = time.monotonic()
    children = [
        subprocess.Popen(argv, cwd=common.ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for argv in argvs
    ]
    outputs = []
    for child in children:
        out, _ = child.communicate(timeout=900)
        if child.returncode != 0:
            raise RuntimeError(f"{argvs[0]} failed with {child.returncode}")
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    return time.monotonic() - started, outputs


def reminder_template(followup_id: int) -> bytes:
    """A real reminder email as bytes, without its X-Seuranta-Followup header."""
    from followups.emails import reminder_message
    from followups.models import Followup

    followup = Followup.objects.select_related("owner", "application").get(pk=followup_id)
    raw = reminder_message(followup).message().as_bytes(linesep="\r\n")
    return re.sub(rb"X-Seuranta-Followup: \d+\r\n", b"", raw)


def baseline(bench, port: int, template, count: int) -> float:
    per = count // PROCESSES
    argvs = [
        [
            common.PYTHON,
            "-m",
            "bench.smtp_blast",
            "--port",
            str(port),
            "--count",
            str(per),
            "--offset",
            str(n * per),
            "--template",
            str(template),
        ]
        for n in range(PROCESSES)
    ]
    seconds, _ = run_processes(argvs, bench.env)
    return count / seconds


def run(bench) -> list[dict]:
    from followups.models import Followup, State

    port = urlparse(bench.env["EMAIL_URL"]).port
    count = bench.size(COUNT, 20)
    due = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    ids = common.make_due_followups(count, prefix="dispatch", due=due)
    template = bench.var / "reminder.eml"
    template.write_bytes(reminder_template(ids[0]))
    common.log(f"dispatch: {count} due follow-ups; reminder email {template.stat().st_size} bytes")

    raw_before = baseline(bench, port, template, count)
    common.log(f"dispatch: raw smtplib {raw_before:.0f} emails/s")
    seconds, outputs = run_processes(
        [[common.PYTHON, "-m", "bench.dispatch_worker"] for _ in range(PROCESSES)], bench.env
    )
    rate = count / seconds
    common.log(f"dispatch: {PROCESSES} dispatchers {rate:.0f} reminders/s ({seconds:.1f} s)")
    raw_after = baseline(bench, port, template, count)
    common.log(f"dispatch: raw smtplib {raw_after:.0f} emails/s")
    raw = (raw_before + raw_after) / 2

    counts = common.tally(bench.sink_record, set(ids))
    marked = Followup.objects.filter(pk__in=ids, state=State.NOTIFIED).count()
    ratio = rate / raw
    return [
        {
            "name": NAME,
            "followups": count,
            "processes": PROCESSES,
            "seconds": round(seconds, 2),
            "reminders_per_second": round(rate, 1),
            "per_process": outputs,
            "sent": counts["distinct"],
            "duplicated": counts["duplicated"],
            "lost": counts["lost"],
            "marked_notified": marked,
            "baseline": {
                "raw_smtplib_per_second": round(raw, 1),
                "before": round(raw_before, 1),
                "after": round(raw_after, 1),
            },
            "ratio": round(ratio, 3),
            "goal": f"ratio >= {GOAL}",
            "met": ratio >= GOAL and counts["lost"] == 0 and marked == count,
            "summary": f"{rate:.0f} reminders/s ({count} in {seconds:.1f} s, "
            f"lost {counts['lost']}, dup {counts['duplicated']})",
            "baseline_summary": f"raw smtplib {raw:.0f} emails/s",
        }
    ]
