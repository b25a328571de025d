"""A pytest plugin (pyproject's addopts: -p) that marks the test run as a demonstration.

It runs before pytest-django reads the settings, which refuse to start without SECRET_KEY
unless DEBUG or XHHT_DEMO is set; tests load the demo and never serve anyone.
"""

from __future__ import annotations

import os

os.environ.setdefault("XHHT_DEMO", "true")
