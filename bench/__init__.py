"""`make bench`: performance figures against the physical limits of the parts (bench/run.py)."""
