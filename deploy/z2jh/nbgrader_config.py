"""nbgrader in every user pod of the Zero to JupyterHub deployment (/etc/jupyter/nbgrader_config.py).

The exchange is ngshare (a JupyterHub service), reached through ngshare_exchange; see the caution
about its jupyter-core pin in deploy/z2jh/values.yaml. Documented, not tested here.
"""

from ngshare_exchange import configureExchange

c = get_config()  # noqa: F821
configureExchange(c)
c.CourseDirectory.course_id = "dlcourse"
