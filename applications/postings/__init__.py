"""Capturing a job posting: from its URL (the server fetches it) or from the person's browser
(the bookmarklet sends what the page holds); either way the new-application form opens
prefilled, and nothing is saved until the person presses Save.

- fetch: the careful HTTP GET (http(s) only, public addresses only, 5 s, 2 MB, no cookies);
- addresses: which addresses are public;
- extract: the JobPosting on a page (JSON-LD, Microdata, RDFa, then Open Graph and <title>);
- schema: the shapes that data comes in, made one; fields: its fields as the form wants them;
- text: the description as plain text;
- captures: a capture waiting in the cache for the person's check;
- bookmarklet: the "Save to Seuranta" bookmarklet's code.
"""
