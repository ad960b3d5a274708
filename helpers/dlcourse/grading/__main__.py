"""``python -m dlcourse.grading WEEK [SUBMISSIONS]``: see :mod:`dlcourse.grading.cli`."""

import sys

from .cli import main

sys.exit(main())
