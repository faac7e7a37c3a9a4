#!/bin/sh
# Collects what an AWS Lambda function needs from a project image, for `rdeploy package`.
# Runs inside a container of the project's image (built by the same pipeline as every other
# target, FROM the builder image), as the image's user, with no network. Writes OUT:
#
#   OUT/opt/R              R_HOME, links followed (Debian keeps share/, etc/, doc/ elsewhere)
#   OUT/opt/lib            every shared library that R and the packages load, except the
#                          C library's own (libc, libm, ld-linux, ...): those are the OS's
#   OUT/opt/rdeploy        the runtime, its library (jsonlite only: lambda mode needs no more),
#                          the project's library, and site-library: packages the builder image
#                          already had that the project's packages need
#   OUT/task               the app (/app) and the bootstrap: function.zip
#   OUT/facts              sizes before and after stripping, shared libraries not found
#
# Stripping: package help, html, doc, tests, demo and po folders, R's manuals, C headers and
# message translations go, and debug symbols are stripped from shared objects when `strip` is
# there. Licences stay.
#
# Environment: RDEPLOY_PACKAGES, the project's packages, space-separated (names only: R
# package names are [A-Za-z0-9.]; the caller checks them).
set -eu
OUT=${1:?usage: collect.sh OUT}
APP=/app
RUNTIME=/opt/rdeploy/runtime
RUNTIME_LIB=${RDEPLOY_RUNTIME_LIB:-/opt/rdeploy/library}
PROJECT_LIB=/opt/rdeploy/project-library

rm -rf "$OUT"
mkdir -p "$OUT/opt/lib" "$OUT/opt/rdeploy/library" "$OUT/opt/rdeploy/site-library" "$OUT/task"
RHOME=$(R RHOME)

# R_HOME without its site-library (packages are chosen below, not taken wholesale).
mkdir -p "$OUT/opt/R"
for entry in "$RHOME"/*; do
  case "${entry##*/}" in site-library) continue ;; esac
  cp -RL "$entry" "$OUT/opt/R/"
done

cp -R "$RUNTIME" "$OUT/opt/rdeploy/runtime"
[ -d "$RUNTIME_LIB/jsonlite" ] && cp -RL "$RUNTIME_LIB/jsonlite" "$OUT/opt/rdeploy/library/"
[ -d "$PROJECT_LIB" ] && cp -RL "$PROJECT_LIB" "$OUT/opt/rdeploy/project-library"
mkdir -p "$OUT/opt/rdeploy/project-library"

# Packages from the builder's site libraries that the project (or its packages) need and the
# project library lacks: the dependency closure, computed by R over what is installed.
R_LIBS="$PROJECT_LIB" Rscript --vanilla -e '
  project_lib <- "/opt/rdeploy/project-library"
  db <- installed.packages()
  have <- db[db[, "LibPath"] == project_lib, "Package"]
  pkgs <- strsplit(Sys.getenv("RDEPLOY_PACKAGES"), " ", fixed = TRUE)[[1]]
  pkgs <- unique(c(pkgs[nzchar(pkgs)], have))
  need <- unique(c(pkgs, unlist(tools::package_dependencies(pkgs, db = db, which = c("Depends", "Imports"), recursive = TRUE))))
  base <- db[db[, "LibPath"] == .Library, "Package"]
  site <- db[!(db[, "LibPath"] %in% c(project_lib, .Library)) & db[, "Package"] %in% setdiff(need, c(have, base)), , drop = FALSE]
  site <- site[!duplicated(site[, "Package"]), , drop = FALSE]
  cat(file.path(site[, "LibPath"], site[, "Package"]), sep = "\n")
' > "$OUT/site-packages"
while IFS= read -r pkg; do
  [ -n "$pkg" ] && cp -RL "$pkg" "$OUT/opt/rdeploy/site-library/"
done < "$OUT/site-packages"
rm "$OUT/site-packages"

# The app without R Deploy's build inputs (.rdeploy-build: the Dockerfile, restore script and a
# copy of the runtime, which the layers carry already).
for entry in "$APP"/* "$APP"/.[!.]*; do
  [ -e "$entry" ] || continue
  case "${entry##*/}" in .rdeploy-build) continue ;; esac
  cp -RL "$entry" "$OUT/task/"
done
cp "$RUNTIME/lambda/bootstrap" "$OUT/task/bootstrap"
chmod 755 "$OUT/task/bootstrap"

# No display on Lambda: the X11 and cairo devices and Tcl/Tk would bring 40 MB of X, pango
# and Tk libraries for nothing (png() and pdf() without cairo still work).
rm -rf "$OUT/opt/R/modules/R_X11.so" "$OUT/opt/R/modules/R_de.so" \
  "$OUT/opt/R/library/grDevices/libs/cairo.so" "$OUT/opt/R/library/tcltk"

# Shared objects: R's binary, libR, the packages' .so files. ldd resolves the whole closure.
elves() {
  find "$OUT/opt" -type f \( -name '*.so' -o -name '*.so.*' -o -path '*/bin/exec/*' \)
}
# The C library's own objects: every Linux has them, and Lambda's (glibc 2.34) must be the one.
is_libc() {
  case "$1" in
    libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|libutil.so.*|\
    libanl.so.*|libmvec.so.*|libnsl.so.*|libBrokenLocale.so.*|libnss_*|libthread_db.so.*|\
    ld-linux*|linux-vdso.so.*|linux-gate.so.*) return 0 ;;
  esac
  return 1
}
: > "$OUT/missing"
# One pass after another, never a pipeline: libraries copied while `find` still walks the tree
# made the result depend on timing (a layer must be the same bytes for the same image).
elves | sort > "$OUT/elves"
while IFS= read -r f; do
  LD_LIBRARY_PATH="$OUT/opt/R/lib" ldd "$f" 2>/dev/null || true
done < "$OUT/elves" > "$OUT/ldd"
while IFS= read -r line; do
  set -- $line
  [ "$#" -ge 3 ] || continue
  name=$1
  is_libc "$name" && continue
  if [ "$2 $3" = "=> not" ]; then echo "$name" >> "$OUT/missing"; continue; fi
  [ "$2" = "=>" ] || continue
  case "$3" in "$OUT"/*) continue ;; esac
  [ -e "$OUT/opt/lib/$name" ] || cp -L "$3" "$OUT/opt/lib/$name"
done < "$OUT/ldd"
rm "$OUT/elves" "$OUT/ldd"

# File bytes, as Lambda's 250 MB quota counts them (not du's disk blocks).
bytes() { find "$1" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }'; }
before=$(bytes "$OUT/opt")

# Pruning: what no running model reads. Help, manuals, tests, headers; and the translations of
# R's messages (Lambda runs in the C locale, where R speaks English).
for lib in "$OUT/opt/R/library" "$OUT/opt/rdeploy/library" "$OUT/opt/rdeploy/project-library" "$OUT/opt/rdeploy/site-library"; do
  for pkg in "$lib"/*; do
    [ -d "$pkg" ] || continue
    rm -rf "$pkg/help" "$pkg/html" "$pkg/doc" "$pkg/tests" "$pkg/demo" "$pkg/po"
  done
done
rm -rf "$OUT/opt/R/doc/manual" "$OUT/opt/R/doc/html" "$OUT/opt/R/include" "$OUT/opt/R/share/texmf" "$OUT/opt/R/library/translations"
pruned=$(bytes "$OUT/opt")

# Debug symbols, when the builder has `strip` (a distribution's R is often stripped already:
# then this saves little, and the facts say how little).
stripped=none
if command -v strip >/dev/null 2>&1; then
  stripped=strip
  { elves; find "$OUT/opt/lib" -type f; } | sort -u | while IFS= read -r f; do
    chmod u+w "$f"
    strip --strip-unneeded "$f" 2>/dev/null || true
  done
fi
after=$(bytes "$OUT/opt")

{
  echo "r_version=$(R --version | head -n 1 | sed 's/^R version \([0-9.]*\).*/\1/')"
  echo "arch=$(uname -m)"
  echo "opt_bytes_before=$before"
  echo "opt_bytes_pruned=$pruned"
  echo "opt_bytes_after=$after"
  echo "strip=$stripped"
  echo "missing=$(sort -u "$OUT/missing" | tr '\n' ' ')"
} > "$OUT/facts"
rm "$OUT/missing"
