#!/usr/bin/env bash
# Installs the Debian packages the build and the OpenCL device need, only if missing:
#   ocl-icd-opencl-dev opencl-headers  (the OpenCL ICD loader and headers: needed to build)
#   pocl-opencl-icd                     (PoCL: an OpenCL device on the CPU, for tests and demo)
# plus any package names given as arguments. Runs `apt-get update` first, and uses sudo only
# when not root. On a system without apt-get it checks that OpenCL is found and says so.
set -euo pipefail

packages=(ocl-icd-opencl-dev opencl-headers pocl-opencl-icd "$@")

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

if ! command -v apt-get >/dev/null 2>&1; then
    if pkg-config --exists OpenCL 2>/dev/null; then
        echo "install-opencl: no apt-get here; OpenCL found by pkg-config, continuing" >&2
        exit 0
    fi
    echo "install-opencl: no apt-get and pkg-config finds no OpenCL: install an OpenCL ICD loader," \
         "its headers and a driver (for example PoCL) with your package manager" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    run_as_root=()
elif command -v sudo >/dev/null 2>&1; then
    run_as_root=(sudo)
else
    echo "install-opencl: need root to install ${missing[*]}, and sudo is not available;" \
         "run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "install-opencl: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update
"${run_as_root[@]}" apt-get install -y "${missing[@]}"
