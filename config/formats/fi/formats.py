"""Finnish dates as Finns write them: "5.12.2026 klo 13.00".

Django's own Finnish DATETIME_FORMAT spells the month out ("5. joulukuuta 2026 kello 13.00")
while its short one is numeric; one style everywhere instead (see ../en/formats.py). What is not
set here (input formats, number separators) comes from Django's own Finnish locale.
"""

DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
TIME_FORMAT = "G.i"
