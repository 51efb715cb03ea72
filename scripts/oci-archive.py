#!/usr/bin/env python3
"""Writes a root filesystem as a one-layer container image archive, without a daemon.

The archive has the layout `docker save` writes since Docker 25: an OCI image layout
(`oci-layout`, `index.json`, `blobs/sha256/...`) plus the `manifest.json` older Docker
versions read, both pointing at the same gzip-compressed layer and image config. So
`docker load`, `podman load` and `skopeo` accept it, and `umoci unpack` works on the
unpacked directory. The image config carries Docker's `Healthcheck` (OCI has no field for
it: Docker reads it, runtimes that only know OCI ignore it).

Usage: oci-archive.py --rootfs DIR --output FILE --name NAME --version VERSION
           --user UID:GID [--healthcheck PATH] [--epoch SECONDS]
"""
import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import stat
import sys
import tarfile
import tempfile

# Left out of the layer: runtimes mount these themselves.
EMPTY_DIRS = ("dev", "proc", "sys", "run", "tmp")


def layer_entries(rootfs: str):
    """Paths of the root filesystem, relative and sorted, parents before children."""
    for directory, subdirs, files in os.walk(rootfs):
        subdirs.sort()
        relative = os.path.relpath(directory, rootfs)
        if relative != ".":
            yield relative
        if relative in EMPTY_DIRS:
            subdirs[:] = []
            continue
        for name in sorted(files):
            yield os.path.join(relative, name) if relative != "." else name
        # Symlinks to directories are listed in subdirs by os.walk but not followed.
        for name in list(subdirs):
            path = os.path.join(directory, name)
            if os.path.islink(path):
                subdirs.remove(name)
                yield os.path.join(relative, name) if relative != "." else name


def write_layer(rootfs: str, out, epoch: int) -> None:
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for relative in layer_entries(rootfs):
            path = os.path.join(rootfs, relative)
            info = tar.gettarinfo(path, arcname=relative)
            if info is None:  # sockets
                continue
            if info.isdev() and relative.split(os.sep)[0] in EMPTY_DIRS:
                continue
            info.mtime = min(info.mtime, epoch)
            info.uname = info.gname = ""
            info.pax_headers = {}
            if info.isreg():
                with open(path, "rb") as data:
                    tar.addfile(info, data)
            else:
                tar.addfile(info)


class Digesting:
    """A write-only file that counts and hashes what passes through it."""

    def __init__(self, target):
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self):
        self.target.flush()

    @property
    def digest(self) -> str:
        return "sha256:" + self.sha.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rootfs", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--user", required=True, help="UID:GID the entrypoint runs as")
    parser.add_argument("--healthcheck", help="command (inside the image) for the healthcheck")
    parser.add_argument("--epoch", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH", "0")))
    args = parser.parse_args()

    created = datetime.datetime.fromtimestamp(args.epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.output))) as work:
        # The layer: uncompressed digest (diff_id) and compressed digest in one pass.
        layer_path = os.path.join(work, "layer.tar.gz")
        with open(layer_path, "wb") as raw:
            compressed = Digesting(raw)
            with gzip.GzipFile(fileobj=compressed, mode="wb", compresslevel=6, mtime=0) as gz:
                uncompressed = Digesting(gz)
                write_layer(args.rootfs, uncompressed, args.epoch)
        diff_id = uncompressed.digest

        config = {
            "created": created,
            "architecture": "amd64" if os.uname().machine == "x86_64" else "arm64",
            "os": "linux",
            "config": {
                "User": args.user,
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "Entrypoint": ["/usr/bin/aseed", "run"],
                "Cmd": ["--config", "/etc/aseed/aseed.conf"],
                "WorkingDir": "/var/lib/aseed",
                "ExposedPorts": {"9092/tcp": {}, "5005/tcp": {}},
                "Volumes": {"/var/lib/aseed": {}},
                "StopSignal": "SIGTERM",
                "Labels": {
                    "org.opencontainers.image.title": args.name,
                    "org.opencontainers.image.version": args.version,
                    "org.opencontainers.image.description":
                        "ASEED order analytics appliance: Kafka-compatible broker (9092), simulator, analyzer, dashboard (5005)",
                },
            },
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": created, "created_by": "debootstrap --variant=minbase bookworm; apt-get install aseed-appliance"}],
        }
        if args.healthcheck:
            seconds = 1_000_000_000
            config["config"]["Healthcheck"] = {
                "Test": ["CMD", args.healthcheck],
                "Interval": 30 * seconds,
                "Timeout": 5 * seconds,
                "StartPeriod": 10 * seconds,
                "Retries": 3,
            }
        config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
        config_digest = "sha256:" + hashlib.sha256(config_bytes).hexdigest()

        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": len(config_bytes)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest": compressed.digest, "size": compressed.size}],
        }
        manifest_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
        manifest_digest = "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()
        reference = f"{args.name}:{args.version}"
        index = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": manifest_digest, "size": len(manifest_bytes),
                "annotations": {
                    "io.containerd.image.name": f"docker.io/library/{reference}",
                    "org.opencontainers.image.ref.name": args.version,
                },
            }],
        }

        def blob(digest: str) -> str:
            return "blobs/sha256/" + digest.split(":", 1)[1]

        docker_manifest = [{"Config": blob(config_digest), "RepoTags": [reference], "Layers": [blob(compressed.digest)]}]

        def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = args.epoch
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))

        def add_dir(tar: tarfile.TarFile, name: str) -> None:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mtime = args.epoch
            info.mode = 0o755
            tar.addfile(info)

        temporary_output = args.output + ".tmp"
        with tarfile.open(temporary_output, "w", format=tarfile.PAX_FORMAT) as tar:
            add_dir(tar, "blobs")
            add_dir(tar, "blobs/sha256")
            add_bytes(tar, blob(config_digest), config_bytes)
            with open(layer_path, "rb") as layer:
                info = tarfile.TarInfo(blob(compressed.digest))
                info.size = compressed.size
                info.mtime = args.epoch
                info.mode = 0o644
                tar.addfile(info, layer)
            add_bytes(tar, blob(manifest_digest), manifest_bytes)
            add_bytes(tar, "index.json", json.dumps(index, sort_keys=True).encode())
            add_bytes(tar, "manifest.json", json.dumps(docker_manifest).encode())
            add_bytes(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        os.replace(temporary_output, args.output)

    print(f"{args.output}: {reference}, layer {compressed.size / 1e6:.1f} MB compressed "
          f"({uncompressed.size / 1e6:.1f} MB unpacked), config {config_digest[:19]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
