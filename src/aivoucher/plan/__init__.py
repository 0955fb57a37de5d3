"""What a rule file compiles to: conditions as small objects with their constants ready.

The compiled plan itself (``Plan``) still lives with its traced evaluator in
:mod:`aivoucher.evaluate.engine`.
"""
