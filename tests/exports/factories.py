"""Helpers that build data through the services, as the browser would (history, follow-ups)."""

import datetime
import zoneinfo

from applications.services import application_create, contact_find_or_create, interview_create

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def helsinki(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=HELSINKI)


def application_for(owner, company="Acme Oy", position="Backend Developer", **fields):
    fields.setdefault("applied_on", datetime.date(2025, 1, 2))
    return application_create(owner=owner, company=company, position=position, **fields)


def interview_for(application, starts_at, interviewers=(), **fields):
    people = [
        contact_find_or_create(owner=application.owner, name=name, email=email, phone=phone)[0]
        for name, email, phone in interviewers
    ]
    return interview_create(
        application=application, starts_at=starts_at, interviewers=people, **fields
    )
