"""The benchmark harness: every stage of the pipeline, on generated ledgers of several
sizes, on both backends, beside baselines measured in the same run.

``lianjian bench`` or ``python -m lianjian.bench`` (see :mod:`lianjian.bench.harness`).
"""
