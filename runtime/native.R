# The native helper built by native/build.R (see native/rdeploy_nodelay.c for what it does
# and why R cannot): TCP_NODELAY and SO_REUSEPORT on the listening socket, SIGTERM/SIGINT,
# worker processes. Loaded once per process; every wrapper degrades to "not available".
native_state <- new.env(parent = emptyenv())

native_load <- function(runtime_lib) {
  if (!is.null(native_state$loaded)) return(native_state$loaded)
  so <- if (is.na(runtime_lib)) "" else file.path(
    runtime_lib, "rdeploy-native", paste0("rdeploy_nodelay", .Platform$dynlib.ext))
  native_state$loaded <- nzchar(so) && file.exists(so) && tryCatch({
    dyn.load(so)
    TRUE
  }, error = function(e) {
    log_line("the native helper failed to load: ", conditionMessage(e))
    FALSE
  })
  native_state$loaded
}

native_available <- function() isTRUE(native_state$loaded)

native_call <- function(name, ...) .C(name, ..., PACKAGE = "rdeploy_nodelay")

# TCP_NODELAY on this process's listening socket(s) on `port`: the number changed, NA when the
# helper is not available.
enable_nodelay <- function(port) {
  if (!native_available()) return(NA_integer_)
  tryCatch(native_call("rdeploy_nodelay_listeners", as.integer(port), count = 0L)$count,
           error = function(e) {
             log_line("TCP_NODELAY helper failed: ", conditionMessage(e))
             NA_integer_
           })
}

# Listening sockets of this process on `port` that have SO_REUSEPORT (0 without the helper).
reuseport_listeners <- function(port) {
  if (!native_available()) return(0L)
  native_call("rdeploy_reuseport_listeners", as.integer(port), count = 0L)$count
}

# Runs `expr` (httpuv::startServer) with httpuv's bind() setting SO_REUSEPORT first.
# Returns list(value, hooked = number of bind slots redirected).
with_reuseport <- function(expr) {
  if (!native_available()) return(list(value = expr, hooked = 0L))
  hooked <- native_call("rdeploy_reuseport_hook", 1L, count = 0L)$count
  on.exit(native_call("rdeploy_reuseport_hook", 0L, count = 0L))
  list(value = expr, hooked = hooked)
}

# SIGTERM and SIGINT are recorded (not acted upon) from now on; signal_received() polls.
catch_signals <- function() {
  native_available() && native_call("rdeploy_catch_signals", ok = 0L)$ok == 1L
}

signal_received <- function() {
  if (!native_available()) return(0L)
  native_call("rdeploy_signal_received", sig = 0L)$sig
}

# Job mode: SIGTERM/SIGINT end the process at once with status 128 + signal and a log line.
exit_on_signals <- function() {
  native_available() && native_call("rdeploy_exit_on_signals", ok = 0L)$ok == 1L
}

# Sleeps `seconds`, returning early on a signal (see rdeploy_sleep in the C file).
native_sleep <- function(seconds) {
  invisible(native_call("rdeploy_sleep", as.integer(round(seconds * 1000))))
}

# fork + exec; returns the child's pid (or -1).
spawn_process <- function(path, args) {
  native_call("rdeploy_spawn", as.character(path), as.character(args), length(args), pid = 0L)$pid
}

# One ended child: list(pid, code, sig); pid 0 when none has ended.
reap_child <- function() {
  r <- native_call("rdeploy_reap", pid = 0L, code = 0L, sig = 0L)
  list(pid = r$pid, code = r$code, sig = r$sig)
}

# NULL when host:port can be bound (or host is not an IP literal), else the reason.
port_problem <- function(host, port) {
  r <- native_call("rdeploy_port_error", as.character(host), as.integer(port),
                   message = strrep(" ", 200L), err = 0L)
  if (r$err > 0L) trimws(r$message) else NULL
}

signal_name <- function(sig) {
  names <- c("1" = "SIGHUP", "2" = "SIGINT", "3" = "SIGQUIT", "4" = "SIGILL", "6" = "SIGABRT",
             "7" = "SIGBUS", "8" = "SIGFPE", "9" = "SIGKILL", "11" = "SIGSEGV", "13" = "SIGPIPE",
             "15" = "SIGTERM")
  name <- names[as.character(sig)]
  if (is.na(name)) paste("signal", sig) else unname(name)
}
