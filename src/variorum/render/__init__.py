"""Showing a Comparison: Rich or plain text for terminals, JSON, self-contained HTML, Markdown."""
