"""The words the engine speaks: facts, the profile contract, the rule-file schema, trace steps
and results.

Nothing here evaluates a rule: these are the records that rule files, profiles and results
are made of (``facts`` lists who reads each fact).
"""
