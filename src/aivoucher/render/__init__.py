"""Renderers: text (zh/en), JSON and HTML. They format and choose words; they do no arithmetic."""

from .json import estimate_to_dict, render_json
from .text import render_award, render_program, render_text

__all__ = ["estimate_to_dict", "render_award", "render_json", "render_program", "render_text"]
