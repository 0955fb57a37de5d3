"""The evaluators, side by side: the traced engine (``engine``), the fast path (``fast``) and the
vectorised batch kernel (``vector``, over columns read by ``table``), plus stacking of awards and
each award's application status.

They differ in speed, never in answer: tests/evaluate/test_fast.py and
tests/questions/test_batch.py prove it.
"""
