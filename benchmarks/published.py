"""Published packages' source, for the real-code mypy benchmark: pinned wheels, downloaded once and unpacked.

The wheels are pinned by version and sha256 and fetched once into the user's cache directory
(``platformdirs.user_cache_dir("bgtyped")``, subdirectory ``published``); later runs only unpack them.
`published_sources` is the one entry point, so the fetching can move to a shared module without touching
the benchmark.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    wheel: str
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version} --hash=sha256:{self.sha256}"


# Background tasks (FastAPI/Starlette) in the first five; threads, executors, loop callbacks and task groups
# in the others, where only a few calls schedule anything and the plugin's fixed costs show.
RELEASES = (
    Release(
        "fastapi-mcp",
        "0.4.0",
        "fastapi_mcp-0.4.0-py3-none-any.whl",
        "d4a3fe7966af24d44e4b412720561c95eb12bed999a4443a88221834b3b15aec",
    ),
    Release(
        "fschat",
        "0.2.36",
        "fschat-0.2.36-py3-none-any.whl",
        "a66ecf1e90f6db1d015096f6aa8a305d20d0a13e067951285aecdb56a33e9cb1",
    ),
    Release(
        "bentoml",
        "1.4.40",
        "bentoml-1.4.40-py3-none-any.whl",
        "ba98c57c60f4ac0879cb8b0ae280ed42f96a26cccd0f83edcb8339d0634d9678",
    ),
    Release(
        "prefect",
        "3.5.0",
        "prefect-3.5.0-py3-none-any.whl",
        "587da2323c609877f3d89adce970a603a12314516e111e3e0fbfb7a4ef9ef390",
    ),
    Release(
        "gradio",
        "6.31.0",
        "gradio-6.31.0-py3-none-any.whl",
        "7b50b9b6a2d23cd02851ad4c8b1c8312c88d8b911d1f29c93f9761c98348a64a",
    ),
    Release(
        "distributed",
        "2026.8.0",
        "distributed-2026.8.0-py3-none-any.whl",
        "3bd8882861a2cf497453f28c6b61135fa8ef2bb1d6885ad3b9f27e887e9c0e01",
    ),
    Release(
        "jupyter-server",
        "2.21.1",
        "jupyter_server-2.21.1-py3-none-any.whl",
        "2a6467606af7dbae2e7e31640030025969e15db6a649eae334af90415dc71dca",
    ),
    Release(
        "uvicorn",
        "0.54.0",
        "uvicorn-0.54.0-py3-none-any.whl",
        "505bdb0f318731d45f1f712071fc781a8981f6847a31c902c9f5e652d4f67faf",
    ),
    # Binary wheels: the Python sources are the same on every platform; this one file is what is pinned.
    Release(
        "aiohttp",
        "3.14.5",
        "aiohttp-3.14.5-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl",
        "50a195903119008fe9cc68710535eb37f556ffffd6a7759afe70a2c145587045",
    ),
    Release(
        "tornado",
        "6.6.1",
        "tornado-6.6.1-cp311-abi3-manylinux1_x86_64.manylinux_2_28_x86_64.manylinux_2_5_x86_64.whl",
        "1b6ff57cc69b339f8feb9e7b567b0e0eacb16bfaf234159496623ef7a67ba640",
    ),
)

# The tags of the pinned binary wheels, so that pip fetches those files whatever the running interpreter.
WHEEL_TAGS = (
    *("--python-version", "3.11", "--implementation", "cp"),
    *("--abi", "cp311", "--abi", "abi3", "--abi", "none"),
    *("--platform", "manylinux_2_28_x86_64", "--platform", "any"),
)
DOWNLOAD_TIMEOUT = 900


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("bgtyped")) / "published"


def _is_intact(wheel: Path, sha256: str) -> bool:
    return wheel.is_file() and hashlib.sha256(wheel.read_bytes()).hexdigest() == sha256


def downloaded_wheels() -> list[Path]:
    """The pinned wheels, downloaded on first use; a wheel whose hash does not match is fetched again.

    Raises `RuntimeError` with pip's output when the download fails (no network, a withdrawn file).
    """
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    missing = [r for r in RELEASES if not _is_intact(cache / r.wheel, r.sha256)]
    if missing:
        # Each wheel lands under its final name in one rename: a concurrent or interrupted run never sees
        # half a file.
        with tempfile.TemporaryDirectory(dir=cache) as staging:
            requirements = Path(staging, "requirements.txt")
            requirements.write_text("".join(f"{r.requirement}\n" for r in missing))
            command = [
                *(sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"),
                *("--require-hashes", "--disable-pip-version-check", "--quiet", *WHEEL_TAGS),
                *("-r", str(requirements), "-d", staging),
            ]
            download = subprocess.run(command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT)
            if download.returncode != 0:
                raise RuntimeError(
                    f"pip download of the benchmark's wheels failed (needs network access once):\n"
                    f"{download.stdout}{download.stderr}"
                )
            for release in missing:
                os.replace(Path(staging, release.wheel), cache / release.wheel)
    return [cache / r.wheel for r in RELEASES]


def _is_source(member: str) -> bool:
    top = member.split("/", 1)[0]
    return member.endswith((".py", ".pyi")) and not top.endswith((".dist-info", ".data"))


def published_sources() -> Path:
    """A directory holding the Python sources of every pinned release, unpacked once into the cache."""
    wheels = downloaded_wheels()
    key = hashlib.sha256("\n".join(r.requirement for r in RELEASES).encode()).hexdigest()[:16]
    root = cache_dir() / f"sources-{key}"
    if root.is_dir():
        return root
    with tempfile.TemporaryDirectory(dir=cache_dir()) as staging:
        unpacked = Path(staging, "sources")
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(unpacked, members=filter(_is_source, archive.namelist()))
        try:
            os.replace(unpacked, root)
        except OSError:
            if not root.is_dir():  # not a concurrent run that finished first
                raise
    return root
