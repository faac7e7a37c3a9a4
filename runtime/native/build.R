# Compiles native/rdeploy_nodelay.c into <RDEPLOY_RUNTIME_LIB>/rdeploy-native/.
# Run by install.R at image build; also standalone (dev, tests, bench):
#   RDEPLOY_RUNTIME_LIB=/tmp/lib Rscript runtime/native/build.R
# Fails loudly: a runtime without it answers keep-alive requests ~40 ms late.

native_library_path <- function(lib) {
  file.path(lib, "rdeploy-native", paste0("rdeploy_nodelay", .Platform$dynlib.ext))
}

build_native <- function(native_dir, lib) {
  out <- native_library_path(lib)
  dir.create(dirname(out), recursive = TRUE, showWarnings = FALSE)
  # Compile in a scratch copy: the runtime directory may be read-only.
  work <- tempfile("rdeploy-native-")
  dir.create(work)
  on.exit(unlink(work, recursive = TRUE), add = TRUE)
  src <- file.path(work, "rdeploy_nodelay.c")
  if (!file.copy(file.path(native_dir, "rdeploy_nodelay.c"), src)) {
    stop("cannot read ", file.path(native_dir, "rdeploy_nodelay.c"), call. = FALSE)
  }
  status <- system2(file.path(R.home("bin"), "R"),
                    c("CMD", "SHLIB", "-o", shQuote(out), shQuote(src)))
  if (status != 0 || !file.exists(out)) {
    stop("compiling the TCP_NODELAY helper failed (R CMD SHLIB exit ", status,
         "); a C compiler is required (r-base-dev / build-essential)", call. = FALSE)
  }
  out
}

if (sys.nframe() == 0L) {
  script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1])
  lib <- Sys.getenv("RDEPLOY_RUNTIME_LIB", "/opt/rdeploy/library")
  result <- tryCatch(build_native(dirname(normalizePath(script)), lib), error = function(e) e)
  if (inherits(result, "error")) {
    cat("rdeploy: ", conditionMessage(result), "\n", sep = "", file = stderr())
    quit(save = "no", status = 1L)
  }
  cat("rdeploy: built ", result, "\n", sep = "")
}
