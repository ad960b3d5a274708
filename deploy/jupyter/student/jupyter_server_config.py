"""Students' servers on the course hub: nbgrader's instructor tools (formgrader, create-assignment,
course list) off; the assignment list (fetch, submit, feedback) and validate stay on."""

c = get_config()  # noqa: F821

c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
}
