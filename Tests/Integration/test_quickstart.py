"""The README's quick start on a fresh machine: `make run` installs what the running appliance
needs beside its binary, the same packages the .deb depends on."""
import os
import re
import subprocess

from conftest import REPO


def packages_for(mode):
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "ensure-system-packages.sh"), mode],
        env={**os.environ, "ASEED_LIST_PACKAGES": "1"}, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def deb_runtime_dependencies():
    """The packages scripts/build-deb.sh names in Depends besides the shared libraries."""
    text = (REPO / "scripts" / "build-deb.sh").read_text()
    depends = re.search(r'^depends="(.*)"$', text, re.MULTILINE).group(1)
    names = {part.strip() for part in depends.split(",")}
    return {name for name in names if not name.startswith("$") and name != "adduser"}


def test_make_run_installs_the_packages_before_starting():
    recipe = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    lines = recipe.splitlines()
    install = next(i for i, line in enumerate(lines) if "ensure-system-packages.sh run" in line)
    start = next(i for i, line in enumerate(lines) if line.rstrip().endswith("aseed run"))
    assert install < start


def test_make_run_installs_what_the_deb_depends_on():
    wanted = deb_runtime_dependencies()
    assert "libjs-chart.js" in wanted
    assert wanted <= packages_for("run")
    assert wanted <= packages_for("test")


def test_unknown_mode_is_refused():
    result = subprocess.run(["bash", str(REPO / "scripts" / "ensure-system-packages.sh"), "nonsense"],
                            env={**os.environ, "ASEED_LIST_PACKAGES": "1"}, capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage" in result.stderr
