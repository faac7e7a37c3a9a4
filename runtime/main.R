# R Deploy runtime entry point:  Rscript /opt/rdeploy/runtime/main.R <mode>
# One file per mode in modes/ (http, job, lambda), sharing handler.R.
#
# Environment:
#   RDEPLOY_HANDLER      file.function, default score.score (function score in score.R)
#   RDEPLOY_APP_DIR      the user's project, default the working directory
#   RDEPLOY_RUNTIME_LIB  the runtime's own library, default /opt/rdeploy/library
#   PORT, RDEPLOY_HOST   http mode, default 8080 and 0.0.0.0
#   RDEPLOY_PAYLOAD, RDEPLOY_PAYLOAD_FILE, RDEPLOY_PAYLOAD_URL   job mode (else stdin)
#   RDEPLOY_WORKERS, RDEPLOY_MAX_PAYLOAD_BYTES   http mode, default 2 and 6291456
#   AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT   lambda mode (_HANDLER and
#                        LAMBDA_TASK_ROOT, when set, take the place of RDEPLOY_HANDLER/APP_DIR)
# Exit codes: 0 ok (http: stopped by SIGTERM/SIGINT), 1 handler error (job), 2 usage or bad
# payload, 3 handler not loadable (job, lambda), 4 runtime setup problem (missing package, port
# unavailable), 130/143 job stopped by SIGINT/SIGTERM.
local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)[1]
  runtime_dir <- dirname(normalizePath(sub("^--file=", "", file_arg)))
  # The runtime's functions live in their own environment, not the global one where
  # score.R is sourced: user code cannot shadow or remove them.
  rt <- new.env(parent = baseenv())
  for (f in c("log.R", "portable.R", "libpaths.R", "handler.R", "native.R")) {
    sys.source(file.path(runtime_dir, f), envir = rt)
  }
  rt$portable_sys_which()
  rt$attach_default_packages()
  usage <- "usage: Rscript main.R <http|job|lambda>"
  mode <- commandArgs(trailingOnly = TRUE)[1]
  mode_file <- file.path(runtime_dir, "modes", paste0(mode, ".R"))
  if (is.na(mode) || !grepl("^[a-z]+$", mode) || !file.exists(mode_file)) {
    rt$log_line(if (is.na(mode)) "no mode given; " else paste0("unknown mode '", mode, "'; "), usage)
    quit(save = "no", status = 2L)
  }
  sys.source(mode_file, envir = rt)
  runtime_lib <- rt$setup_libpaths(Sys.getenv("RDEPLOY_RUNTIME_LIB", "/opt/rdeploy/library"))
  ctx <- list(
    runtime_lib = runtime_lib,
    runtime_dir = runtime_dir,
    handler = Sys.getenv("RDEPLOY_HANDLER", "score.score"),
    app_dir = Sys.getenv("RDEPLOY_APP_DIR", getwd())
  )
  # From here on quit()/q() from user code is an error (handler.R); the runtime exits through
  # exit_runtime(), which logs why in one line.
  rt$install_quit_guard()
  rt$exit_runtime(rt$run_mode(ctx))
})
