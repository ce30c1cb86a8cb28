"""Every template we render keeps to the Content Security Policy: no inline event handlers,
no inline scripts without the request's nonce, no inline styles, no `javascript:` links.

The browser would refuse these under CSP anyway; this finds them before a citizen meets a
button that silently does nothing. Email templates are exempt: mail clients need inline styles
and never run scripts.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\bnonce\s*=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)

RULES = {
    "inline event handler (on...=)": EVENT_HANDLER,
    "inline <script> without nonce": INLINE_SCRIPT,
    "style= attribute": STYLE_ATTRIBUTE,
    "<style> element": STYLE_ELEMENT,
    "javascript: URL": JAVASCRIPT_URL,
}


def _our_template_dirs() -> list[Path]:
    """The project's and apps' template folders, and crispy-bootstrap5's (it renders our
    forms). Django's own admin templates are left to the browser journey through the admin."""
    dirs = []
    for directory in engines["django"].template_dirs:
        path = Path(directory)
        if path.is_relative_to(settings.BASE_DIR / ".venv"):
            if "crispy_bootstrap5" in path.parts:
                dirs.append(path)
        elif path.is_relative_to(settings.BASE_DIR):
            dirs.append(path)
    return dirs


def _templates() -> list[Path]:
    found = []
    for directory in _our_template_dirs():
        for path in sorted(directory.rglob("*")):
            if path.suffix not in {".html", ".txt", ".xml"} or not path.is_file():
                continue
            if "emails" in path.relative_to(directory).parts:
                continue
            found.append(path)
    return found


def test_the_scan_finds_the_project_templates():
    names = {path.name for path in _templates()}
    assert {"base.html", "home.html", "404.html"} <= names
    assert not any("emails" in path.parts for path in _templates())


@pytest.mark.parametrize(
    ("snippet", "rule"),
    [
        ('<button onclick="go()">', "inline event handler (on...=)"),
        ("<body\n  onload='x()'>", "inline event handler (on...=)"),
        ("<script>alert(1)</script>", "inline <script> without nonce"),
        ('<script type="module">', "inline <script> without nonce"),
        ('<div class="a" style="color:red">', "style= attribute"),
        ("<style>p{}</style>", "<style> element"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
    ],
)
def test_each_rule_catches_what_it_is_for(snippet, rule):
    assert RULES[rule].search(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/ktp.js" defer></script>',
        '<script nonce="{{ csp_nonce }}">',
        '<p class="lead">Pilih kantor: online, onsite</p>',
        '<input name="onderwerp" data-style="x">',
    ],
)
def test_allowed_markup_passes(snippet):
    assert not any(rule.search(snippet) for rule in RULES.values())


@pytest.mark.parametrize("path", _templates(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_template_keeps_to_the_content_security_policy(path):
    text = path.read_text(encoding="utf-8")
    problems = [
        f"{name} at line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0)!r}"
        for name, rule in RULES.items()
        for match in rule.finditer(text)
    ]
    assert not problems, f"{path}: " + "; ".join(problems)
