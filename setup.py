"""Packaging: ships ontology/, data/, shapes/ and queries/ inside the wheel as ecgkg/bundled/.

They stay at the top of the repository (tools and tests point there); each folder is mapped to a
package under `ecgkg.bundled` so that a new data sub-folder is shipped without editing this file.
Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
CONTENT = ("ontology", "data", "shapes", "queries")


def content_packages() -> dict[str, str]:
    """Package name -> folder, for every content folder and its sub-folders."""
    mapping: dict[str, str] = {}
    for top in CONTENT:
        root = HERE / top
        folders = [root, *sorted(p for p in root.rglob("*") if p.is_dir())]
        for folder in folders:
            relative = folder.relative_to(HERE)
            mapping["ecgkg.bundled." + ".".join(relative.parts)] = relative.as_posix()
    return mapping


content = content_packages()
setup(
    packages=find_packages(include=["ecgkg", "ecgkg.*"]) + sorted(content),
    package_dir={"": ".", **content},
    package_data={name: ["*"] for name in content},
)
