# Shared by the scripts (sourced, not run): installing Debian packages.

# Runs a command as root: directly, or with sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "need root for: $*" >&2
        return 1
    fi
}

# apt_install PKG…: installs the named Debian packages (nothing when none is named).
apt_install() {
    [ $# -gt 0 ] || return 0
    echo "installing $* (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}
