# The scoring contract, shared by every mode: find and source the handler once, decode a
# payload, call the handler, encode its result or its error. Modes only move bytes.

# "file.function": the file is the part of the last path segment before its FIRST dot,
# the function is everything after it, so dotted R names work ("score.predict.glm" calls
# predict.glm() in score.R); file names with dots are not supported. "dir/file.function"
# finds dir/file.R. Resolved relative to the app dir, never outside it.
# `handler_var`: the variable `spec` came from, named in the messages (lambda mode reads _HANDLER).
parse_handler <- function(spec, handler_var = "RDEPLOY_HANDLER") {
  slash <- regexpr("/[^/]*$", spec)
  dir <- if (slash > 0) substr(spec, 1L, slash) else ""
  last <- if (slash > 0) substr(spec, slash + 1L, nchar(spec)) else spec
  dot <- regexpr(".", last, fixed = TRUE)
  if (dot < 2L || dot == nchar(last)) {
    return(handler_problem("HandlerConfigError", sprintf(
      "%s '%s' is not of the form file.function (e.g. score.score, models/churn.predict)",
      handler_var, spec)))
  }
  file <- paste0(dir, substr(last, 1L, dot - 1L))
  fun <- substr(last, dot + 1L, nchar(last))
  parts <- strsplit(file, "/", fixed = TRUE)[[1]]
  if (startsWith(file, "/") || any(parts %in% c("..", "."))) {
    return(handler_problem("HandlerConfigError", sprintf(
      "%s '%s' must name a file inside the app directory (no absolute paths, no '..')",
      handler_var, spec)))
  }
  list(ok = TRUE, file = file, fun = fun)
}

handler_problem <- function(type, message) {
  list(ok = FALSE, errorType = type, errorMessage = message)
}

# Everything the handler prints (print(), cat(), str(), top-level output of score.R) goes
# to stderr: it is log output. In job mode stdout must carry only the result, and in
# http mode it keeps logs unbuffered and in one stream. (Output written by compiled code
# straight to the C-level stdout bypasses R's sink; see README.)
with_output_to_logs <- function(expr) {
  sink(stderr(), type = "output")
  on.exit(sink(type = "output"), add = TRUE)
  expr
}

# Handler warnings are log lines, never part of the response.
log_warnings <- function(expr, what) {
  withCallingHandlers(expr, warning = function(w) {
    log_line("warning in ", what, ": ", conditionMessage(w))
    invokeRestart("muffleWarning")
  })
}

# Sources the handler file ONCE, with the app dir as working directory (it stays the
# working directory for every call, so relative paths like readRDS("model.rds") work).
# The file goes into the global environment, as `Rscript score.R` would run it; the
# runtime's own functions live elsewhere, so user names cannot shadow them.
# Returns list(ok = TRUE, fn, label) or a problem (errorType, errorMessage).
# `handler_var`, `app_dir_var`: the variables the values came from, named in the messages.
load_handler <- function(spec, app_dir, handler_var = "RDEPLOY_HANDLER", app_dir_var = "RDEPLOY_APP_DIR") {
  parsed <- parse_handler(spec, handler_var)
  if (!parsed$ok) return(parsed)
  if (!dir.exists(app_dir)) {
    return(handler_problem("HandlerLoadError", sprintf(
      "app directory '%s' (%s) does not exist", app_dir, app_dir_var)))
  }
  setwd(app_dir)
  candidates <- paste0(parsed$file, c(".R", ".r"))
  file <- candidates[file.exists(candidates)][1]
  if (is.na(file)) {
    return(handler_problem("HandlerLoadError", sprintf(
      "handler file %s not found in %s (%s is '%s')",
      candidates[1], normalizePath(app_dir), handler_var, spec)))
  }
  started <- proc.time()[["elapsed"]]
  warned <- character()
  sourced <- tryCatch({
    with_output_to_logs(withCallingHandlers(
      source(file, local = globalenv(), echo = FALSE, keep.source = FALSE),
      warning = function(w) {
        warned <<- c(warned, conditionMessage(w))
        invokeRestart("muffleWarning")
      }))
    TRUE
  }, error = function(e) e)
  for (w in warned) log_line("warning in ", file, ": ", w)
  if (!isTRUE(sourced)) {
    # R often gives the useful part as a warning just before a terse error
    # ("cannot open compressed file 'model.rds'" then "cannot open the connection").
    return(handler_problem("HandlerLoadError", sprintf(
      "error while sourcing %s: %s%s", file, conditionMessage(sourced),
      if (length(warned)) paste0(" (after warning: ", warned[length(warned)], ")") else "")))
  }
  fn <- get0(parsed$fun, envir = globalenv(), mode = "function", inherits = FALSE)
  if (is.null(fn)) {
    return(handler_problem("HandlerLoadError", sprintf(
      "%s does not define a function named '%s' (%s is '%s')", file, parsed$fun, handler_var, spec)))
  }
  log_line(sprintf("loaded handler %s from %s in %.0f ms", parsed$fun, file,
                   1000 * (proc.time()[["elapsed"]] - started)))
  list(ok = TRUE, fn = fn, label = spec)
}

# Payload text -> argument list.
# jsonlite's simplifyVector = TRUE semantics on purpose: arrays of scalars become atomic
# vectors and arrays of objects with the same keys become data.frames, which is what R
# users' score functions take (predict(model, newdata = data)). A JSON object is spread
# into named arguments; any other JSON value (array, scalar, null) is the first argument.
decode_payload <- function(text) {
  if (!isTRUE(validUTF8(text))) {
    return(handler_problem("PayloadError", "the payload is not valid UTF-8 text"))
  }
  text <- sub("^\ufeff", "", text)
  if (!nzchar(trimws(text))) {
    return(handler_problem("PayloadError", "the payload is empty; send a JSON value, e.g. {}"))
  }
  value <- tryCatch(jsonlite::fromJSON(text, simplifyVector = TRUE), error = function(e) e)
  if (inherits(value, "error")) {
    return(handler_problem("PayloadError", paste(
      "the payload is not valid JSON:", first_line(conditionMessage(value)))))
  }
  is_object <- startsWith(trimws(text, which = "left"), "{")
  list(ok = TRUE, args = if (is_object) value else list(value))
}

first_line <- function(text) {
  sub("\n.*$", "", text)
}

error_json <- function(type, message) {
  as.character(jsonlite::toJSON(list(errorType = type, errorMessage = message),
                                auto_unbox = TRUE))
}

# Decodes, calls and encodes. Never throws. Returns list(kind, body) where kind is one of
# "ok", "payload" (bad JSON), "handled" (the handler raised an R error) or
# "serialization" (the result could not be turned into JSON); body is JSON text.
# A handler error or an unconvertible result is logged, one line with its class and message
# (a payload error is not: its message may quote the payload).
# `extra`: named arguments the mode adds to the payload's (lambda mode's `context`); a payload
# field of the same name is refused rather than silently replaced.
# The JIT level for the handler's code while the runtime's own runs interpreted (see warm_up in
# modes/lambda.R); NULL: nothing is switched (http and job modes).
jit_state <- new.env(parent = emptyenv())

runtime_jit_off <- function() {
  jit_state$handler_level <- compiler::enableJIT(0L)
  invisible(jit_state$handler_level)
}

with_user_jit <- function(expr) {
  level <- jit_state$handler_level
  if (is.null(level) || level == 0L) return(expr)
  compiler::enableJIT(level)
  on.exit(compiler::enableJIT(0L))
  expr
}

invoke_handler <- function(handler, text, extra = NULL) {
  decoded <- decode_payload(text)
  if (!decoded$ok) return(list(kind = "payload", body = error_json(decoded$errorType, decoded$errorMessage)))
  if (length(extra)) {
    clash <- intersect(names(extra), names(decoded$args))
    if (length(clash)) {
      return(list(kind = "payload", body = error_json("PayloadError", sprintf(
        "the payload has a field named '%s', which is the handler's %s argument here; rename the field",
        clash[1], clash[1]))))
    }
    decoded$args <- c(decoded$args, extra)
  }
  result <- tryCatch(
    with_output_to_logs(log_warnings(with_user_jit(do.call(handler$fn, decoded$args, quote = TRUE)), handler$label)),
    error = function(e) structure(list(e), class = "rdeploy_failure"))
  if (inherits(result, "rdeploy_failure")) {
    e <- result[[1]]
    log_line(sprintf("handler %s raised %s: %s", handler$label, class(e)[1], one_line(conditionMessage(e))))
    return(list(kind = "handled", body = error_json(class(e)[1], conditionMessage(e))))
  }
  out <- encode_result(result)
  if (out$kind == "serialization") {
    log_line(sprintf("handler %s: SerializationError: %s", handler$label, out$message))
  }
  out
}

one_line <- function(text) {
  gsub("[\r\n]+", " ", text)
}

encode_result <- function(result) {
  what <- unconvertible(result)
  json <- if (!is.null(what)) {
    simpleError(paste("the handler returned", what))
  } else {
    tryCatch(
      jsonlite::toJSON(result, auto_unbox = TRUE, digits = NA, dataframe = "rows",
                       null = "null", na = "null"),
      error = function(e) e)
  }
  if (inherits(json, "error")) {
    message <- paste("the result cannot be converted to JSON:", first_line(conditionMessage(json)))
    return(list(kind = "serialization", message = message,
                body = error_json("SerializationError", message)))
  }
  list(kind = "ok", body = enc2utf8(as.character(json)))
}

# jsonlite writes a function as its source code (a 200 with the code as the result) and fails
# on an environment (R6 and reference class objects are environments) with a message about S3
# methods. Names what the handler returned instead, or NULL when it is data.
unconvertible <- function(result) {
  kind <- function(x) {
    if (is.function(x)) "a function" else if (is.environment(x)) "an environment" else
      if (typeof(x) == "externalptr") "an external pointer" else NA_character_
  }
  top <- kind(result)
  if (!is.na(top)) return(top)
  if (!is.list(result)) return(NULL)
  inner <- rapply(list(result), kind, how = "unlist")
  inner <- inner[!is.na(inner)]
  if (length(inner) == 0L) NULL else paste("a list holding", inner[[1]])
}

# quit() and q() in a handler would take the model down for good (and, in http mode, every
# caller with it): while the runtime runs, base's quit and q raise an error of class
# QuitNotAllowed instead, which reaches the caller like any handler error. The runtime itself
# exits through quit_for_real().
quit_not_allowed <- function(save = "default", status = 0, runLast = TRUE) {
  stop(structure(class = c("QuitNotAllowed", "error", "condition"), list(
    message = paste("the handler called quit(); a model server must not exit:",
                    "return a value, or stop() with an error instead"),
    call = NULL)))
}

install_quit_guard <- function() {
  if (is.null(runtime_state$quit)) runtime_state$quit <- get("quit", envir = baseenv())
  for (name in c("quit", "q")) {
    locked <- bindingIsLocked(name, baseenv())
    if (locked) unlockBinding(name, baseenv())
    assign(name, quit_not_allowed, envir = baseenv())
    if (locked) lockBinding(name, baseenv())
  }
}

quit_for_real <- function(status) {
  real <- if (is.null(runtime_state$quit)) get("quit", envir = baseenv()) else runtime_state$quit
  real(save = "no", status = status, runLast = FALSE)
}
