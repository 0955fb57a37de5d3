"""The ground floor: what every other floor reads and nothing here reads from above.

Money (exact ``Decimal`` yuan, parsing and formatting), dates, the locale, safe YAML/JSON
documents, the jurisdiction table, field paths, problem reports and suggestions, pydantic field
types, limits on work, escaping for terminals, and atomic file writing.
"""
