"""nbgrader settings every server on the course hub shares (on JUPYTER_CONFIG_PATH).

The course id and the exchange folder come from the hub (deploy/roster.yaml via the spawner's
environment). The instructor's clone adds autograder/nbgrader_config.py (course folders) when
nbgrader runs from autograder/.
"""

import os

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = os.environ.get("DLCOURSE_COURSE_ID", "dlcourse")
c.Exchange.root = os.environ.get("DLCOURSE_EXCHANGE", "/srv/nbgrader/exchange")
