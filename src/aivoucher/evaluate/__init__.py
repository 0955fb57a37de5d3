"""The evaluators, side by side, each reading the same compiled plan
(:mod:`aivoucher.plan.compiled`): the traced evaluator (``traced``, with its rate stage in
``rates``, its yearly stage in ``years`` and its record in ``recording``), the fast path
(``fast``) and the vectorised batch kernel (``vector``, over columns read by ``table``);
``engine`` wires them into :class:`~aivoucher.evaluate.engine.Plan`. Beside them: stacking of
awards and each award's application status.

They differ in speed, never in answer: tests/evaluate/test_fast.py and
tests/questions/test_batch.py prove it.
"""
