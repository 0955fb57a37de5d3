"""The questions users ask of a rule set: where to register (``comparison``), what if a fact
changed (``whatif``), how an award grows with spend (``curves``), how a pool is shared
(``pool``), and one program over a table of applicants (``batch``).
"""
