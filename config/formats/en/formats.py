"""English dates with the month as a word and a 24-hour clock: "5 Dec 2026, 13:00".

Django's own English formats mix "Dec. 5, 2026, 1 p.m." with "12/05/2026"; a person reads one
style everywhere instead, on pages, lists and emails alike. Short and long formats are the same
on purpose: a list and the page it links to show a date the same way. What is not set here
(input formats, number separators) comes from Django's own English locale.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
