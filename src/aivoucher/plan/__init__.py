"""What a rule file compiles to: the compiled plan (``compiled``), its conditions as small
objects with their constants ready (``conditions``). The evaluators read it
(:mod:`aivoucher.evaluate`).
"""
