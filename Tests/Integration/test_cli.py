"""The aseed executable's basic contract: version and help."""
import os
import subprocess

import pytest

pytestmark = pytest.mark.needs_aseed

ASEED = os.environ.get("ASEED_BIN", ".build/debug/aseed")


def test_version_prints_the_version():
    out = subprocess.run([ASEED, "version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("aseed ")


def test_unknown_command_fails_with_a_message():
    result = subprocess.run([ASEED, "no-such-command"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "no-such-command" in result.stderr
