#!/usr/bin/env bash
# Build Vigie's images locally, without an image registry:
#   1. the base debian:bookworm-slim: pulled if possible, else made with debootstrap (as root);
#   2. on the host: Python wheels for requirements.lock (pip wheel) and the Kafka broker jars
#      (infra/kafka/kafka.sh fetch), since HTTPS from inside build containers is not reliable;
#   3. <IMAGE_PREFIX>/services, /kafka and /postgres:<IMAGE_TAG>, with the legacy builder.
#
# Usage: deploy/images.sh [base|wheels|services|kafka|postgres]...   (no argument: all images)
# Settings (environment, else .env, else default):
#   IMAGE_PREFIX (vigie), IMAGE_TAG (dev)                  names used by docker-compose.yml
#   VIGIE_STATE_DIR (<repo>/.infra)                        wheels and jars are kept under it
#   PYTHON (<repo>/.venv/bin/python, else python3.11)      a CPython 3.11 for `pip wheel`
#   DEBIAN_MIRROR (the host's apt mirror, else deb.debian.org)   for debootstrap
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
base=debian:bookworm-slim

log() { printf 'images: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# A setting from the environment, else from the repository's .env, else the default.
setting() {
  local name=$1 default=$2 value
  if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
  if [ -f "$repo/.env" ]; then
    value=$(sed -n "s/^[[:space:]]*$name=//p" "$repo/.env" | tail -n1)
    value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
    if [ -n "$value" ]; then printf '%s' "$value"; return; fi
  fi
  printf '%s' "$default"
}

prefix=$(setting IMAGE_PREFIX vigie)
tag=$(setting IMAGE_TAG dev)
state=${VIGIE_STATE_DIR:-$repo/.infra}
export DOCKER_BUILDKIT=0   # BuildKit needs buildx, which is not installed everywhere we build

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- base image
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local m
  m=$(grep -rhoE '^[^#]*https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ \
        2>/dev/null | grep -oE 'https?://[^ ]+' | grep -v security | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

build_base() {
  [ -z "${base_done:-}" ] || return 0
  base_done=1
  if docker image inspect "$base" >/dev/null 2>&1; then log "$base: present"; return; fi
  if timeout 120 docker pull "$base" >/dev/null 2>&1; then log "$base: pulled"; return; fi
  log "$base: cannot be pulled, making it with debootstrap"
  local start=$SECONDS
  [ "$(id -u)" = 0 ] || die "debootstrap needs root: run this once as root, or load $base"
  if ! command -v debootstrap >/dev/null; then
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; } \
      >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; die "cannot install debootstrap"; }
  fi
  local mirror rootfs=$work/rootfs
  mirror=$(debian_mirror)
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # The sources, dpkg excludes and apt settings of the official slim image, so that the
  # Dockerfiles behave the same on this base and on the pulled one.
  rm -f "$rootfs/etc/apt/sources.list"
  cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/{man,groff,info,locale,lintian,linda}/*
  # Without this, every `apt-get update` in a Dockerfile leaves ~90 MB of package caches behind.
  cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  rm -f "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' - "$base" >/dev/null
  log "$base: imported in $((SECONDS - start)) s ($(size "$base"))"
}

# ---- helpers
size() { docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%d MB", $1 / 1000000 }'; }

build() {  # build <name> <context>; the build's output is kept in $state/images/<name>.log
  local image=$prefix/$1:$tag start=$SECONDS out=$state/images/$1.log
  mkdir -p "$state/images"
  log "$image: building"
  if ! docker build --force-rm -t "$image" "$2" >"$out" 2>&1; then
    tail -n 30 "$out" >&2; die "$image: build failed (full output: $out)"
  fi
  log "$image: built in $((SECONDS - start)) s ($(size "$image"))"
}

copy_tree() {  # copy_tree <dest> <paths...>: repository paths, without caches
  local dest=$1; shift
  mkdir -p "$dest"
  (cd "$repo" && tar -c --exclude=__pycache__ --exclude='*.pyc' --exclude=.pytest_cache \
     --exclude=.ruff_cache "$@") | tar -x -C "$dest"
}

# ---- services
wheels() {
  local python=${PYTHON:-} dir=$state/wheels stamp want
  if [ -z "$python" ]; then
    if [ -x "$repo/.venv/bin/python" ]; then python=$repo/.venv/bin/python
    else python=$(command -v python3.11 || command -v python3); fi
  fi
  # The images run Debian bookworm's CPython 3.11: wheels built for another version would not
  # install there.
  "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || die "$python is not CPython 3.11: set PYTHON"
  # `pip freeze` leaves setuptools out of requirements.lock, yet grpcio-tools requires a
  # newer one than Debian's venv brings: pin the version of the environment that made the lock.
  local extra
  extra=$("$python" -c 'import importlib.metadata as m; print("setuptools==" + m.version("setuptools"))') \
    || die "$python has no setuptools to pin"
  grep -qi '^setuptools==' "$repo/requirements.lock" && extra=
  want=$( (cat "$repo/requirements.lock"; echo "$extra") | sha1sum | cut -d' ' -f1)
  stamp=$dir/.requirements.sha
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  log "wheels: building for requirements.lock${extra:+ + $extra}"
  rm -rf "$dir"; mkdir -p "$dir"
  echo "$extra" > "$dir/extra-requirements.txt"
  "$python" -m pip wheel -q --no-deps -r "$repo/requirements.lock" \
    -r "$dir/extra-requirements.txt" -w "$dir"
  echo "$want" > "$stamp"
}

build_services() {
  local ctx=$work/services
  for p in requirements.lock services protos/vigie protos/vendor/buf/validate/validate.proto; do
    [ -e "$repo/$p" ] || die "services: $p is missing"
  done
  wheels
  mkdir -p "$ctx/app/infra"
  cp "$here/services/Dockerfile" "$ctx/"
  cp -a "$state/wheels" "$ctx/wheels"
  copy_tree "$ctx/app" requirements.lock pyproject.toml services protos
  if [ -f "$repo/infra/topics.toml" ]; then cp "$repo/infra/topics.toml" "$ctx/app/infra/"
  else log "services: warning: infra/topics.toml is missing, the topics job will fail"; fi
  build services "$ctx"
}

# ---- kafka
build_kafka() {
  local ctx=$work/kafka
  VIGIE_STATE_DIR=$state "$repo/infra/kafka/kafka.sh" fetch
  mkdir -p "$ctx/libs"
  cp -a "$here/kafka/." "$ctx/"
  cp "$state"/kafka/libs/*.jar "$ctx/libs/"
  build kafka "$ctx"
}

# ---- postgres
build_postgres() { build postgres "$here/postgres"; }

command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the docker daemon does not answer"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(base services kafka postgres)
for t in "${targets[@]}"; do
  case "$t" in
    base) build_base ;;
    wheels) wheels ;;
    services | kafka | postgres) build_base; "build_$t" ;;
    *) die "unknown target '$t' (base, wheels, services, kafka, postgres)" ;;
  esac
done
