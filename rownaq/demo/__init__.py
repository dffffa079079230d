"""Seeded, deterministic demo data for demos and benchmarks: ``manage.py seed_demo``.

``units`` (identity, reset), ``province``, ``places`` and ``unit_records`` build a province of
production units (``seed.demo_national_build`` all 31); ``cases`` and ``hq`` a year of obstacle
cases and HQ meetings; ``desk``, ``proposals`` and ``exhibitions`` the Industry Needs Desk. Their
words are data files in ``data/``, read by ``vocabulary``. This app is on the top floor: it may
import every other app, and none imports it.
"""
