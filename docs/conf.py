"""Sphinx configuration of the hwiloc documentation site.

Build: ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors).
The guides (``docs/guides``) are written by task; one page per paper and study is
generated from its package (``docs/_ext/paper_pages.py``); the API reference comes
from the numpydoc docstrings; the examples gallery (sphinx-gallery) runs at build
time and reads no file of the repository (the config comes from the package).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

project = "hwiloc"
author = "the hwiloc developers"
copyright = "2026, the hwiloc developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "paper_pages",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "examples", ".gitignore"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # an included file's headings may start below its page's title

autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "none"  # the docstrings state the types (numpydoc)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "generated_examples",
    "filename_pattern": r"/example_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
}

html_theme = "alabaster"
html_title = "hwiloc"
html_static_path = []
templates_path = ["_templates"]


def _literal_bars(app, what, name, obj, options, lines):
    """The docstrings write math in plain text (|x|, |alpha|^2): a bar is a character, never
    an RST substitution reference."""
    for i, line in enumerate(lines):
        lines[i] = line.replace("|", "\\|")


def setup(app):
    app.connect("autodoc-process-docstring", _literal_bars)
