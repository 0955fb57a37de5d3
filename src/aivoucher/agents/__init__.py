"""aivoucher for AI agents: the library's questions as tools of a Model Context Protocol server
(``aivoucher mcp``, docs/agents.md).

:mod:`.tools` says what each tool takes and computes its answer with the library alone (no
``mcp`` import); :mod:`.server` serves them over stdio with the ``mcp`` SDK, an optional extra
(``pip install 'aivoucher[mcp]'``). ``import aivoucher`` loads neither.
"""
