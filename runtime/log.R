# Runtime log lines go to stderr: it is unbuffered (lines show up live in `docker logs`),
# and in job mode stdout carries nothing but the result.
# One write per line: workers of one supervisor share stderr, and a line written in pieces can
# interleave with another worker's (CI saw two "listening" lines run together).
log_line <- function(...) {
  cat(paste0(c("[rdeploy] ", ..., "\n"), collapse = ""), file = stderr())
}

# Request paths come from clients: keep log lines one line long and printable.
log_safe <- function(text, max = 200L) {
  text <- gsub("[^[:print:]]", "?", text)
  if (nchar(text) > max) paste0(substr(text, 1L, max), "...") else text
}

# Why the process ends, said in one line by main.R (exit_runtime): modes return their exit
# status with the reason attached.
exit_status <- function(status, reason) {
  structure(as.integer(status), reason = reason)
}

# Who is speaking in lifecycle lines: "worker 2 (pid 123)", "R (pid 123)".
runtime_state <- new.env(parent = emptyenv())
runtime_state$who <- sprintf("R (pid %d)", Sys.getpid())

exit_runtime <- function(status) {
  reason <- attr(status, "reason")
  status <- as.integer(status)
  if (is.null(reason)) reason <- if (status == 0L) "done" else "see the lines above"
  log_line(sprintf("%s exiting with status %d: %s", runtime_state$who, status, reason))
  runtime_state$exiting <- TRUE
  quit_for_real(status)
}

# R can still end without exit_runtime(): an uncaught R error in the runtime ("Execution
# halted" is printed just before), or quit() reached through .Internal() or compiled code,
# bypassing the quit guard (handler.R). Exit finalizers run in both cases: say so.
reg.finalizer(runtime_state, function(state) {
  if (!isTRUE(state$exiting)) {
    log_line(state$who, " is exiting outside the runtime's control: an uncaught R error ",
             "(see the line above) or quit() called from compiled or internal code")
  }
}, onexit = TRUE)
