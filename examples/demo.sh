#!/bin/sh
# The xenvirsh tour on the simulated host: convert an xl config, define the
# domain, run its lifecycle, convert it back. Needs only an installed xenvirsh.
set -eu
here=$(dirname "$0")
state=$(mktemp -d)
export XENVIRSH_TEST_STATE="$state"
run() { echo "\$ xenvirsh $*" >&2; xenvirsh -c test:///default "$@"; }
run domxml-from-native xen-xl "$here/web-pv.cfg" | tee "$state/web.xml"
run define "$state/web.xml"
run start web
run list --all
run dominfo web
run shutdown web
run domstate --reason web
run domxml-to-native xen-xl --domain web
run undefine web
run native-convert xen-xm xen-xl "$here/legacy-hvm.xm"
rm -rf "$state"
