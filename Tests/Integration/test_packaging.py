"""The Debian package, the local apt repository and the container image (issue 6, Packaging).

`make packaging-test` (part of `make test`) builds them and runs these tests with:
ASEED_DEB (the .deb), ASEED_APT_REPO (the local repository), ASEED_IMAGE (the image archive)
and ASEED_BASE_ROOTFS (the minimal bookworm root filesystem tarball). They need root (chroot,
mounts, runc), kcat, umoci, runc, skopeo, lintian and systemd-analyze, which
scripts/ensure-system-packages.sh installs.

- the package: its metadata, its files, lintian, the unit (`systemd-analyze verify` and
  `security`);
- apt: installed from the local repository into a fresh chroot (dependencies from Debian),
  `aseed run` started there as the `aseed` user and checked from the host with kcat and
  GET /healthz on the dashboard, then `apt-get remove` (data kept) and
  `apt-get purge` (data gone);
- systemd: the package installed with systemd into a fresh root, systemd booted as PID 1 in a
  runc container, the shipped unit (hardening included) serving, stopping cleanly, stopped by
  remove, started again by a reinstall, its data deleted by purge;
- the image: the archive's layout and config, `skopeo inspect` of both its formats, then
  unpacked with umoci and run with runc (host network, no rlimits, the image's user) with the
  same checks and its healthcheck.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tarfile
import urllib.request

import pytest

from conftest import free_port, wait_for_port

pytestmark = pytest.mark.packaging

DEB_LIMIT = 25 * 1000 * 1000
IMAGE_LIMIT = 100 * 1000 * 1000
# Libraries the binary links, by Debian package; the dashboard serves Chart.js.
EXPECTED_DEPENDS = ("libc6", "liblz4-1", "libsqlite3-0", "zlib1g", "libzstd1", "libsnappy1v5", "libjs-chart.js", "adduser")
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def artifact(name: str) -> pathlib.Path:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests with `make packaging-test`, which builds the artifacts")
    path = pathlib.Path(value)
    if not path.exists():
        pytest.fail(f"{name}={value} does not exist: run `make packaging-test`")
    return path


@pytest.fixture(scope="module", autouse=True)
def needs_root():
    if os.geteuid() != 0:
        pytest.fail("the packaging tests need root (chroot, mounts, runc): run `sudo make packaging-test`")


def run(*command: str, check: bool = True, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited with {result.returncode}\n--- stdout ---\n{result.stdout[-6000:]}"
            f"\n--- stderr ---\n{result.stderr[-6000:]}")
    return result


def check_appliance(kafka_port: int, dashboard_port: int, output) -> None:
    """What a student sees from the host: Metadata with topic orders (3 partitions), an order
    the simulator produced, and the dashboard's /healthz."""
    bootstrap = f"127.0.0.1:{kafka_port}"
    metadata = run("kcat", "-b", bootstrap, "-L", "-J", "-t", "orders", "-m", "10", check=False, timeout=30)
    assert metadata.returncode == 0, f"kcat -L failed: {metadata.stderr}\n{output()}"
    topics = {topic["topic"]: topic for topic in json.loads(metadata.stdout)["topics"]}
    assert "orders" in topics, f"no topic orders in {metadata.stdout}"
    assert len(topics["orders"]["partitions"]) == 3, metadata.stdout
    assert [broker["name"] for broker in json.loads(metadata.stdout)["brokers"]] == [bootstrap], metadata.stdout

    order = run("kcat", "-b", bootstrap, "-C", "-t", "orders", "-o", "beginning", "-c", "1", "-m", "30", "-q",
                check=False, timeout=60)
    assert order.returncode == 0 and order.stdout.strip(), f"no order arrived on topic orders: {order.stderr}\n{output()}"
    assert json.loads(order.stdout.splitlines()[0])["order_id"]

    wait_for_port("127.0.0.1", dashboard_port, 20)
    with urllib.request.urlopen(f"http://127.0.0.1:{dashboard_port}/healthz", timeout=10) as response:
        assert response.status == 200


def ports_env(kafka_port: int, dashboard_port: int) -> dict[str, str]:
    return {
        "ASEED_KAFKA_LISTEN": f"127.0.0.1:{kafka_port}",
        "ASEED_KAFKA_ADVERTISE": f"127.0.0.1:{kafka_port}",
        "ASEED_DASHBOARD_LISTEN": f"127.0.0.1:{dashboard_port}",
    }


def stop(process: subprocess.Popen, name: str, output) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        status = process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
        raise AssertionError(f"{name} did not stop within 30 s of SIGTERM\n{output()}")
    assert status == 0, f"{name} exited with {status} on SIGTERM\n{output()}"


# --- The package -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deb() -> pathlib.Path:
    return artifact("ASEED_DEB")


@pytest.fixture(scope="module")
def unpacked_deb(deb, tmp_path_factory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("deb-root")
    run("dpkg-deb", "-x", str(deb), str(root))
    return root


def test_deb_name_size_and_metadata(deb):
    fields = run("dpkg-deb", "-f", str(deb)).stdout
    control = dict(re.findall(r"^(\S+): (.*)$", fields, re.MULTILINE))
    arch = run("dpkg", "--print-architecture").stdout.strip()
    assert deb.name == f"aseed-appliance_{control['Version']}_{arch}.deb"
    assert control["Architecture"] == arch
    depends = [item.strip().split(" ")[0] for item in control["Depends"].split(",")]
    for package in EXPECTED_DEPENDS:
        assert package in depends, f"Depends lacks {package}: {control['Depends']}"
    assert not any(name.startswith("swift") or "libswift" in name for name in depends), control["Depends"]
    assert deb.stat().st_size < DEB_LIMIT, f"{deb.name} is {deb.stat().st_size / 1e6:.1f} MB, over 25 MB"
    assert run("dpkg-deb", "-I", str(deb), "conffiles").stdout.split() == ["/etc/aseed/aseed.conf"]


def test_deb_files(unpacked_deb):
    for path in ("usr/bin/aseed", "lib/systemd/system/aseed.service", "etc/aseed/aseed.conf",
                 "usr/share/doc/aseed-appliance/copyright", "usr/share/doc/aseed-appliance/changelog.gz",
                 "usr/share/man/man1/aseed.1.gz"):
        assert (unpacked_deb / path).is_file(), f"the package has no /{path}"
    binary = unpacked_deb / "usr/bin/aseed"
    libraries = run("ldd", str(binary)).stdout
    for line in libraries.splitlines():
        assert "not found" not in line and "libswift" not in line and "/opt/" not in line, \
            f"/usr/bin/aseed links a library that is not a Debian system library:\n{libraries}"
    config = (unpacked_deb / "etc/aseed/aseed.conf").read_text()
    assert re.search(r"^data-dir = /var/lib/aseed$", config, re.MULTILINE)
    assert re.search(r"^log-dir = /var/log/aseed$", config, re.MULTILINE)
    repo = pathlib.Path(__file__).resolve().parents[2]
    assert config == (repo / "packaging/aseed.conf.example").read_text()


def test_config_documents_every_option_of_aseed_run(unpacked_deb):
    """Every long option of `aseed run --help` is a key in the example (scenario, config,
    help and version are command-line only)."""
    help_text = run(str(unpacked_deb / "usr/bin/aseed"), "run", "--help").stdout
    options = set(re.findall(r"^\s+--([a-z][a-z0-9-]+)", help_text, re.MULTILINE)) - {"config", "help", "version", "scenario"}
    config = (unpacked_deb / "etc/aseed/aseed.conf").read_text()
    keys = set(re.findall(r"^#?([a-z][a-z0-9-]+) = ", config, re.MULTILINE))
    assert options - keys == set(), f"aseed.conf documents no key for: {sorted(options - keys)}"
    assert keys - options == set(), f"aseed.conf has keys aseed run does not take: {sorted(keys - options)}"


def test_lintian_is_clean(deb):
    result = run("lintian", "--fail-on", "error,warning", "--info", str(deb),
                 check=False, timeout=600)
    print(result.stdout)
    assert result.returncode == 0, f"lintian:\n{result.stdout}\n{result.stderr}"
    assert not re.search(r"^[EW]: ", result.stdout, re.MULTILINE), result.stdout


def test_unit_verifies(unpacked_deb, tmp_path):
    """systemd-analyze verify on the package's files, with the host's targets and slices for
    the unit's dependencies; any message (unknown key, bad value, missing binary) fails."""
    root = tmp_path / "root"
    shutil.copytree(unpacked_deb, root, symlinks=True)
    for pattern in ("*.target", "*.slice"):
        for unit in pathlib.Path("/lib/systemd/system").glob(pattern):
            if not (root / "lib/systemd/system" / unit.name).exists():
                shutil.copy(unit, root / "lib/systemd/system" / unit.name, follow_symlinks=False)
    result = run("systemd-analyze", "verify", "--man=no", f"--root={root}", "/lib/systemd/system/aseed.service", check=False)
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), \
        f"systemd-analyze verify:\n{result.stdout}{result.stderr}"
    text = (root / "lib/systemd/system/aseed.service").read_text()
    for line in ("User=aseed", "StateDirectory=aseed", "LogsDirectory=aseed",
                 "ExecStart=/usr/bin/aseed run --config /etc/aseed/aseed.conf"):
        assert line in text.splitlines(), f"aseed.service lacks {line}"


def test_unit_exposure_is_low(unpacked_deb):
    unit = unpacked_deb / "lib/systemd/system/aseed.service"
    result = run("systemd-analyze", "security", "--offline=true", "--no-pager", str(unit), check=False)
    match = re.search(r"Overall exposure level for aseed.service: ([0-9.]+)", result.stdout)
    assert match, f"no exposure level in:\n{result.stdout}{result.stderr}"
    print(f"systemd-analyze security: exposure {match.group(1)}")
    assert float(match.group(1)) <= 1.5, result.stdout


# --- apt in a fresh chroot ---------------------------------------------------------------


class Chroot:
    """A fresh copy of the minimal bookworm root filesystem (its /dev has the basic device
    nodes) with /proc mounted and a copy of the local apt repository; close() unmounts."""

    def __init__(self, base: pathlib.Path, repo: pathlib.Path, root: pathlib.Path):
        self.root = root
        self.mounts: list[pathlib.Path] = []
        root.mkdir()
        run("tar", "-C", str(root), "--numeric-owner", "-xf", str(base))
        # A copy, not a bind mount, so that removing the chroot can never reach the original.
        shutil.copytree(repo, root / "srv/aseed-repo")
        self.mount("-t", "proc", "proc", "proc")
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
        (root / "etc/apt/sources.list.d/aseed.list").write_text("deb [trusted=yes] file:/srv/aseed-repo ./\n")

    def mount(self, *args: str) -> None:
        target = self.root / args[-1]
        target.mkdir(parents=True, exist_ok=True)
        run("mount", *args[:-1], str(target))
        self.mounts.append(target)

    def command(self, *command: str) -> list[str]:
        return ["chroot", str(self.root), "env", "-i", f"PATH={CHROOT_PATH}", "DEBIAN_FRONTEND=noninteractive", *command]

    def run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        return run(*self.command(*command), **kwargs)

    def package_status(self) -> str:
        return self.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "aseed-appliance", check=False).stdout.strip()

    def close(self) -> None:
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-R", "-l", str(target)], capture_output=True)


@pytest.fixture
def chroot(tmp_path):
    instance = Chroot(artifact("ASEED_BASE_ROOTFS"), artifact("ASEED_APT_REPO"), tmp_path / "root")
    try:
        yield instance
    finally:
        instance.close()


@pytest.mark.timeout(900)
def test_apt_install_run_remove_purge(chroot, tmp_path):
    root = chroot.root
    chroot.run("apt-get", "update", "-qq")
    chroot.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "aseed-appliance")
    assert chroot.package_status() == "ii"
    for package in EXPECTED_DEPENDS:
        assert chroot.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", package).stdout.strip() == "ii", package
    passwd = chroot.run("getent", "passwd", "aseed").stdout.split(":")
    uid, gid = int(passwd[2]), int(passwd[3])
    assert uid < 1000 and passwd[6].strip() == "/usr/sbin/nologin", passwd
    for directory in ("var/lib/aseed", "var/log/aseed"):
        info = (root / directory).stat()
        assert (info.st_uid, info.st_gid) == (uid, gid), f"/{directory} is not owned by aseed"

    kafka_port, dashboard_port = free_port(), free_port()
    env = [f"{name}={value}" for name, value in ports_env(kafka_port, dashboard_port).items()]
    log_path = tmp_path / "aseed-run.txt"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["chroot", str(root), "setpriv", "--reuid=aseed", "--regid=aseed", "--init-groups",
             "env", "-i", f"PATH={CHROOT_PATH}", *env, "/usr/bin/aseed", "run", "--config", "/etc/aseed/aseed.conf"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    def output() -> str:
        return "--- aseed run ---\n" + log_path.read_text(errors="replace")[-6000:]

    try:
        try:
            wait_for_port("127.0.0.1", kafka_port, 30, process)
        except Exception as error:
            raise AssertionError(f"{error}\n{output()}") from None
        check_appliance(kafka_port, dashboard_port, output)
        status = pathlib.Path(f"/proc/{process.pid}/status").read_text()
        assert re.search(rf"^Uid:\s+{uid}\s", status, re.MULTILINE), f"aseed does not run as the aseed user:\n{status}"
    finally:
        if process.poll() is None:
            stop(process, "aseed run in the chroot", output)
    assert process.returncode == 0, output()
    assert (root / "var/lib/aseed/topics/orders-0").is_dir(), "no data in /var/lib/aseed"
    assert (root / "var/lib/aseed/topics/orders-0").stat().st_uid == uid
    assert (root / "var/log/aseed/broker.log").is_file(), "no broker.log in /var/log/aseed"

    chroot.run("apt-get", "remove", "-y", "-qq", "aseed-appliance")
    assert chroot.package_status() == "rc"
    assert not (root / "usr/bin/aseed").exists()
    assert (root / "etc/aseed/aseed.conf").is_file(), "remove deleted the conffile"
    assert (root / "var/lib/aseed/topics/orders-0").is_dir(), "remove deleted the data"
    assert (root / "var/log/aseed/broker.log").is_file(), "remove deleted the logs"

    chroot.run("apt-get", "purge", "-y", "-qq", "aseed-appliance")
    assert chroot.package_status() in ("", "un", "pn")
    for path in ("var/lib/aseed", "var/log/aseed", "etc/aseed"):
        assert not (root / path).exists(), f"purge left /{path}"


# --- The service under systemd ------------------------------------------------------------

# Capabilities systemd gets as the container's init (this sandbox withholds CAP_SYS_RESOURCE).
SYSTEMD_CAPABILITIES = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_SYSLOG", "CAP_WAKE_ALARM",
]


def systemd_spec(root: pathlib.Path) -> dict:
    """A runc spec that boots systemd as PID 1 of `root`: host network, its own PID, mount, IPC
    and UTS namespaces, sysfs read-only with the cgroup tree writable, no rlimits."""
    (root.parent / "config.json").unlink(missing_ok=True)
    run("runc", "spec", cwd=root.parent)
    spec = json.loads((root.parent / "config.json").read_text())
    spec["root"] = {"path": str(root), "readonly": False}
    process = spec["process"]
    process.update(terminal=False, args=["/lib/systemd/systemd", "--log-target=console"],
                   env=["container=oci", f"PATH={CHROOT_PATH}"], noNewPrivileges=False)
    process.pop("rlimits", None)
    process["capabilities"] = {kind: SYSTEMD_CAPABILITIES for kind in ("bounding", "effective", "permitted")}
    linux = spec["linux"]
    linux["namespaces"] = [{"type": kind} for kind in ("pid", "ipc", "uts", "mount")]
    for key in ("maskedPaths", "readonlyPaths", "seccomp"):
        linux.pop(key, None)
    mounts = [mount for mount in spec["mounts"] if not mount["destination"].startswith("/sys")]
    mounts[2:2] = [
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "bind", "source": "/sys/fs/cgroup",
         "options": ["rbind", "rw", "nosuid", "noexec", "nodev"]},
    ]
    mounts += [
        {"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=755"]},
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]},
    ]
    spec["mounts"] = mounts
    return spec


@pytest.mark.timeout(900)
def test_service_under_systemd(chroot, tmp_path):
    """The unit as shipped, hardening included, run by systemd 252 (booted as PID 1 in a runc
    container): the postinst enables and (on reinstall) starts it, it serves as the aseed user
    under seccomp with no capabilities, stops cleanly, prerm stops it on remove, purge deletes
    the data."""
    root = chroot.root
    chroot.run("apt-get", "update", "-qq")
    chroot.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "systemd", "aseed-appliance")
    chroot.close()
    assert (root / "etc/systemd/system/multi-user.target.wants/aseed.service").is_symlink(), "postinst did not enable aseed.service"
    uid = int(next(line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("aseed:")).split(":")[2])

    kafka_port, dashboard_port = free_port(), free_port()
    config = root / "etc/aseed/aseed.conf"
    settings = (f"\nkafka-listen = 127.0.0.1:{kafka_port}\nkafka-advertise = 127.0.0.1:{kafka_port}\n"
                f"dashboard-listen = 127.0.0.1:{dashboard_port}\n")
    config.write_text(config.read_text() + settings)

    (tmp_path / "config.json").write_text(json.dumps(systemd_spec(root)))
    state = tmp_path / "runc-state"
    name = f"aseed-systemd-{os.getpid()}"
    console_path = tmp_path / "console.txt"

    def inside(*command: str, check: bool = True) -> subprocess.CompletedProcess:
        return run("runc", "--root", str(state), "exec", "--env", "DEBIAN_FRONTEND=noninteractive", name, *command,
                   check=check, timeout=300)

    def output() -> str:
        journal = inside("journalctl", "--no-pager", "-n", "60", "-u", "aseed", check=False)
        return ("--- systemd console ---\n" + console_path.read_text(errors="replace")[-3000:]
                + "\n--- journalctl -u aseed ---\n" + journal.stdout + journal.stderr)

    with open(console_path, "wb") as console:
        process = subprocess.Popen(["runc", "--root", str(state), "run", "--bundle", str(tmp_path), name],
                                   stdin=subprocess.DEVNULL, stdout=console, stderr=console)
    try:
        try:
            wait_for_port("127.0.0.1", kafka_port, 90, process)
        except Exception as error:
            raise AssertionError(f"{error}\n{output()}") from None
        assert inside("systemctl", "is-active", "aseed", check=False).stdout.strip() == "active", output()
        check_appliance(kafka_port, dashboard_port, output)

        main_pid = inside("systemctl", "show", "-p", "MainPID", "--value", "aseed").stdout.strip()
        status = inside("cat", f"/proc/{main_pid}/status").stdout
        fields = dict(re.findall(r"^(\w+):\s+(.*)$", status, re.MULTILINE))
        assert fields["Uid"].split()[0] == str(uid), f"the service does not run as aseed:\n{status}"
        assert fields["Seccomp"] == "2" and fields["NoNewPrivs"] == "1", f"the system call filter is not in force:\n{status}"
        assert int(fields["CapEff"], 16) == 0 and int(fields["CapBnd"], 16) == 0, f"the service has capabilities:\n{status}"

        inside("systemctl", "stop", "aseed")
        shown = inside("systemctl", "show", "-p", "Result", "-p", "ExecMainStatus", "aseed").stdout
        assert "Result=success" in shown and "ExecMainStatus=0" in shown, f"unclean stop: {shown}\n{output()}"
        inside("systemctl", "start", "aseed")
        wait_for_port("127.0.0.1", kafka_port, 30)

        inside("apt-get", "remove", "-y", "-qq", "aseed-appliance")
        assert inside("systemctl", "is-active", "aseed", check=False).stdout.strip() != "active", "prerm did not stop the service"
        assert (root / "var/lib/aseed/topics/orders-0").is_dir(), "remove deleted the data"
        inside("apt-get", "install", "-y", "-qq", "aseed-appliance")
        assert inside("systemctl", "is-active", "aseed", check=False).stdout.strip() == "active", \
            f"postinst did not start the service again\n{output()}"
        inside("apt-get", "purge", "-y", "-qq", "aseed-appliance")
        assert inside("systemctl", "is-active", "aseed", check=False).stdout.strip() != "active"
        for path in ("var/lib/aseed", "var/log/aseed", "etc/aseed"):
            assert not (root / path).exists(), f"purge left /{path}"
    finally:
        subprocess.run(["runc", "--root", str(state), "kill", name, "KILL"], capture_output=True)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        subprocess.run(["runc", "--root", str(state), "delete", "--force", name], capture_output=True)


# --- The container image -----------------------------------------------------------------


@pytest.fixture(scope="module")
def image() -> pathlib.Path:
    return artifact("ASEED_IMAGE")


@pytest.fixture(scope="module")
def image_layout(image, tmp_path_factory) -> pathlib.Path:
    layout = tmp_path_factory.mktemp("image-layout")
    with tarfile.open(image) as archive:
        archive.extractall(layout)
    return layout


def image_config(layout: pathlib.Path) -> dict:
    index = json.loads((layout / "index.json").read_text())
    manifest_digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads((layout / "blobs/sha256" / manifest_digest).read_text())
    return json.loads((layout / "blobs/sha256" / manifest["config"]["digest"].split(":")[1]).read_text())


def test_image_archive_layout_and_config(image, image_layout):
    assert image.stat().st_size < IMAGE_LIMIT, f"{image.name} is {image.stat().st_size / 1e6:.1f} MB, over 100 MB"
    assert json.loads((image_layout / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
    legacy = json.loads((image_layout / "manifest.json").read_text())
    assert legacy[0]["RepoTags"][0].startswith("aseed-appliance:")
    config = image_config(image_layout)["config"]
    assert set(config["ExposedPorts"]) == {"9092/tcp", "5005/tcp"}
    assert set(config["Volumes"]) == {"/var/lib/aseed"}
    assert config["Entrypoint"] == ["/usr/bin/aseed", "run"]
    assert config["Healthcheck"]["Test"] == ["CMD", "/usr/local/bin/aseed-healthcheck"]
    uid, gid = (int(part) for part in config["User"].split(":"))
    assert uid != 0 and gid != 0, f"the image runs as root: {config['User']}"


def test_image_archive_is_readable_by_container_tools(image):
    """skopeo reads archives with the library podman load uses: both formats must parse."""
    for transport in ("docker-archive", "oci-archive"):
        result = run("skopeo", "inspect", "--config", f"{transport}:{image}", check=False, timeout=120)
        assert result.returncode == 0, f"skopeo inspect {transport}: {result.stderr}"
        assert json.loads(result.stdout)["config"]["ExposedPorts"]


@pytest.mark.timeout(600)
def test_image_runs_with_runc(image_layout, tmp_path):
    config = image_config(image_layout)
    version = json.loads((image_layout / "index.json").read_text())["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"]
    bundle = tmp_path / "bundle"
    run("umoci", "unpack", "--image", f"{image_layout}:{version}", str(bundle), timeout=600)
    spec = json.loads((bundle / "config.json").read_text())
    uid, gid = (int(part) for part in config["config"]["User"].split(":"))
    assert (spec["process"]["user"]["uid"], spec["process"]["user"]["gid"]) == (uid, gid)

    kafka_port, dashboard_port = free_port(), free_port()
    # This sandbox refuses RLIMIT_NPROC, runc needs no rlimits; host network; no terminal.
    spec["process"].pop("rlimits", None)
    spec["process"]["terminal"] = False
    spec["process"]["env"] += [f"{name}={value}" for name, value in ports_env(kafka_port, dashboard_port).items()]
    spec["linux"]["namespaces"] = [ns for ns in spec["linux"]["namespaces"] if ns["type"] != "network"]
    # The data volume: a host directory owned by the image's user, as a Docker volume is
    # (umoci would mount a tmpfs there).
    volume = tmp_path / "volume"
    volume.mkdir(mode=0o750)
    os.chown(volume, uid, gid)
    spec["mounts"] = [mount for mount in spec["mounts"] if mount["destination"] != "/var/lib/aseed"]
    spec["mounts"].append({"destination": "/var/lib/aseed", "type": "bind", "source": str(volume), "options": ["rbind", "rw"]})
    (bundle / "config.json").write_text(json.dumps(spec, indent=2))

    state = tmp_path / "runc-state"
    name = f"aseed-test-{os.getpid()}"
    log_path = tmp_path / "container.txt"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["runc", "--root", str(state), "run", "--bundle", str(bundle), name],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    def output() -> str:
        return "--- container ---\n" + log_path.read_text(errors="replace")[-6000:]

    try:
        try:
            wait_for_port("127.0.0.1", kafka_port, 60, process)
        except Exception as error:
            raise AssertionError(f"{error}\n{output()}") from None
        check_appliance(kafka_port, dashboard_port, output)
        health = run("runc", "--root", str(state), "exec", name, *config["config"]["Healthcheck"]["Test"][1:], check=False)
        assert health.returncode == 0, f"the image's healthcheck failed: {health.stdout}{health.stderr}\n{output()}"
        run("runc", "--root", str(state), "kill", name, "TERM")
        try:
            status = process.wait(30)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the container did not stop within 30 s of SIGTERM\n{output()}") from None
        assert status == 0, f"the container exited with {status}\n{output()}"
    finally:
        if process.poll() is None:
            subprocess.run(["runc", "--root", str(state), "kill", name, "KILL"], capture_output=True)
            process.wait(10)
        subprocess.run(["runc", "--root", str(state), "delete", "--force", name], capture_output=True)
    data = volume / "topics/orders-0"
    assert data.is_dir() and data.stat().st_uid == uid, "the container wrote no data to its volume as its user"
