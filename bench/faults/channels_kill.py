"""channels-kill: the flapping webhook channel of `channels`, with the worker SIGKILLed three
times while it holds claimed deliveries (bench.faults.channels has the whole description)."""

from bench.faults.channels import scenario

NAME = "channels-kill"
KILL_AT = (0.2, 0.45, 0.7)
PROPERTY = (
    "webhook flapping + worker SIGKILLed 3×: lost 0, duplicated 0 for a receiver that drops a "
    "repeated X-Seuranta-Delivery, at most one duplicate per kill otherwise"
)


def run(faults) -> dict:
    return scenario(faults, name=NAME, prop=PROPERTY, kill_at=KILL_AT)
