# Builds the runtime's own library at image build:
#   Rscript /opt/rdeploy/runtime/install.R
# Installs the packages pinned in DEPENDENCIES (exact versions, from source) into
# RDEPLOY_RUNTIME_LIB (default /opt/rdeploy/library) from RDEPLOY_CRAN (default
# https://cloud.r-project.org), then compiles the TCP_NODELAY helper (native/).
# Each tarball is fetched by its exact URL: src/contrib/ first (the current release),
# then src/contrib/Archive/<pkg>/ (older releases), so no package index is needed.
# Any failure stops the build with one clear message and exit status 1.
# Needs a C/C++ compiler and zlib headers (rocker/r-ver and r-base-dev have them).

main <- function() {
  runtime_dir <- dirname(normalizePath(sub("^--file=", "", grep(
    "^--file=", commandArgs(FALSE), value = TRUE)[1])))
  lib <- Sys.getenv("RDEPLOY_RUNTIME_LIB", "/opt/rdeploy/library")
  cran <- sub("/+$", "", Sys.getenv("RDEPLOY_CRAN", "https://cloud.r-project.org"))
  deps <- read_dependencies(file.path(runtime_dir, "DEPENDENCIES"))
  dir.create(lib, recursive = TRUE, showWarnings = FALSE)
  if (!dir.exists(lib)) stop("cannot create the runtime library ", lib, call. = FALSE)
  lib <- normalizePath(lib)
  if (!nzchar(Sys.getenv("MAKEFLAGS"))) Sys.setenv(MAKEFLAGS = paste0("-j", max(1L, parallel::detectCores())))
  work <- tempfile("rdeploy-install-")
  dir.create(work)
  on.exit(unlink(work, recursive = TRUE), add = TRUE)
  for (i in seq_len(nrow(deps))) {
    install_pinned(deps$package[i], deps$version[i], lib, cran, work)
  }
  source(file.path(runtime_dir, "native", "build.R"), local = TRUE)
  say("built ", build_native(file.path(runtime_dir, "native"), lib))
  say("runtime library ready at ", lib, ": ",
      paste(deps$package, deps$version, collapse = ", "))
}

say <- function(...) cat("rdeploy install: ", ..., "\n", sep = "")

read_dependencies <- function(path) {
  lines <- trimws(readLines(path, warn = FALSE))
  lines <- lines[nzchar(lines) & !startsWith(lines, "#")]
  fields <- strsplit(lines, "[[:space:]]+")
  ok <- vapply(fields, function(f) length(f) == 2L && grepl("^[0-9][0-9.-]*$", f[2]), TRUE)
  if (!all(ok)) stop(path, ": each line must be '<package> <version>', got: ",
                     paste(lines[!ok], collapse = "; "), call. = FALSE)
  data.frame(package = vapply(fields, `[`, "", 1L), version = vapply(fields, `[`, "", 2L))
}

installed_version <- function(package, lib) {
  desc <- file.path(lib, package, "DESCRIPTION")
  if (!file.exists(desc)) return(NA_character_)
  unname(read.dcf(desc, fields = "Version")[1, 1])
}

install_pinned <- function(package, version, lib, cran, work) {
  if (identical(installed_version(package, lib), version)) {
    say(package, " ", version, " already installed")
    return(invisible())
  }
  tarball <- download_tarball(package, version, cran, work)
  say("installing ", package, " ", version)
  # R_LIBS: the packages installed so far in `lib` come first, so each package builds
  # against (LinkingTo) and loads the pinned versions, not whatever the site library has.
  status <- system2(file.path(R.home("bin"), "R"),
                    c("CMD", "INSTALL", "--no-docs", "--no-multiarch", "-l", shQuote(lib), shQuote(tarball)),
                    env = paste0("R_LIBS=", shQuote(lib)))
  got <- installed_version(package, lib)
  if (status != 0 || !identical(got, version)) {
    stop(sprintf("installing %s %s into %s failed (R CMD INSTALL exit %s); see the compiler output above",
                 package, version, lib, status), call. = FALSE)
  }
}

download_tarball <- function(package, version, cran, work) {
  name <- sprintf("%s_%s.tar.gz", package, version)
  urls <- c(sprintf("%s/src/contrib/%s", cran, name),
            sprintf("%s/src/contrib/Archive/%s/%s", cran, package, name))
  dest <- file.path(work, name)
  for (url in urls) {
    ok <- tryCatch(suppressWarnings(
      utils::download.file(url, dest, method = "libcurl", quiet = TRUE, mode = "wb")) == 0L,
      error = function(e) FALSE)
    if (ok && file.exists(dest) && file.size(dest) > 0) return(dest)
  }
  stop(sprintf("cannot download %s %s from %s (tried %s); check RDEPLOY_CRAN and network access",
               package, version, cran, paste(urls, collapse = " and ")), call. = FALSE)
}

tryCatch(main(), error = function(e) {
  cat("rdeploy install FAILED: ", conditionMessage(e), "\n", sep = "", file = stderr())
  quit(save = "no", status = 1L)
})
