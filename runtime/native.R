# Loads the TCP_NODELAY helper built by native/build.R (see native/rdeploy_nodelay.c for
# why it exists) and applies it to the listening socket on `port`. Returns the number of
# listeners changed, or NA when the helper is not available.
enable_nodelay <- function(runtime_lib, port) {
  so <- if (is.na(runtime_lib)) "" else file.path(
    runtime_lib, "rdeploy-native", paste0("rdeploy_nodelay", .Platform$dynlib.ext))
  if (!nzchar(so) || !file.exists(so)) return(NA_integer_)
  changed <- tryCatch({
    dyn.load(so)
    .C("rdeploy_nodelay_listeners", as.integer(port), count = 0L,
       PACKAGE = "rdeploy_nodelay")$count
  }, error = function(e) {
    log_line("TCP_NODELAY helper failed: ", conditionMessage(e))
    NA_integer_
  })
  changed
}
