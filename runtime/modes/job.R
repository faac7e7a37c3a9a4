# job mode: score one payload, print the result JSON on stdout, exit.
# Payload source, exactly one of: RDEPLOY_PAYLOAD (JSON text), RDEPLOY_PAYLOAD_FILE
# (path), RDEPLOY_PAYLOAD_URL (http/https); stdin when none is set.
# Exit codes: 0 ok; 1 the handler raised an R error, or its result is not convertible to
# JSON; 2 bad payload or usage; 3 the handler could not be loaded. On 1-3 stdout carries
# the error JSON ({"errorType", "errorMessage"}) and stderr a log line.

# SIGTERM/SIGINT (docker stop, a cancelled Batch task) end the job at once with 143/130 and a
# log line, PID 1 or not (native helper; without it R's default handling applies).
run_mode <- function(ctx) {
  runtime_state$who <- sprintf("job (pid %d)", Sys.getpid())
  if (native_load(ctx$runtime_lib)) exit_on_signals()
  payload <- read_payload()
  if (!payload$ok) return(fail(payload, 2L, "no usable payload"))
  handler <- load_handler(ctx$handler, ctx$app_dir)
  if (!handler$ok) return(fail(handler, 3L, "the handler could not be loaded"))
  out <- invoke_handler(handler, payload$text)
  write_stdout(out$body)
  switch(out$kind,
         ok = exit_status(0L, "the payload was scored"),
         payload = exit_status(2L, "the payload is not valid JSON"),
         handled = exit_status(1L, "the handler raised an R error"),
         exit_status(1L, "the result cannot be converted to JSON"))
}

fail <- function(problem, status, reason) {
  log_line(problem$errorType, ": ", problem$errorMessage)
  write_stdout(error_json(problem$errorType, problem$errorMessage))
  exit_status(status, reason)
}

# RDEPLOY_RESULT_FRAME=base64 (set by the aci target, whose workflow reads the result out of the
# container's logs, where stderr lines mix in): the result once more on one line,
# "[rdeploy-result:<base64 of the JSON>]", which no log line or JSON text can be mistaken for.
write_stdout <- function(json) {
  con <- stdout()
  writeLines(json, con, useBytes = TRUE)
  if (identical(Sys.getenv("RDEPLOY_RESULT_FRAME"), "base64")) {
    framed <- gsub("[\r\n]", "", jsonlite::base64_enc(charToRaw(paste(json, collapse = "\n"))))
    writeLines(paste0("[rdeploy-result:", framed, "]"), con, useBytes = TRUE)
  }
  flush(con)
}

read_payload <- function() {
  sources <- c(RDEPLOY_PAYLOAD = Sys.getenv("RDEPLOY_PAYLOAD"),
               RDEPLOY_PAYLOAD_FILE = Sys.getenv("RDEPLOY_PAYLOAD_FILE"),
               RDEPLOY_PAYLOAD_URL = Sys.getenv("RDEPLOY_PAYLOAD_URL"))
  set <- names(sources)[nzchar(sources)]
  if (length(set) > 1L) {
    return(handler_problem("UsageError", sprintf(
      "set only one payload source; found %s", paste(set, collapse = " and "))))
  }
  if (length(set) == 0L) return(read_stdin())
  value <- sources[[set]]
  switch(set,
         RDEPLOY_PAYLOAD = list(ok = TRUE, text = enc_utf8(value)),
         RDEPLOY_PAYLOAD_FILE = read_payload_file(value),
         RDEPLOY_PAYLOAD_URL = read_payload_url(value))
}

enc_utf8 <- function(text) {
  Encoding(text) <- "UTF-8"
  text
}

read_raw_file <- function(path) {
  enc_utf8(rawToChar(readBin(path, "raw", n = file.size(path))))
}

read_stdin <- function() {
  con <- file("stdin", open = "rb")
  on.exit(close(con))
  chunks <- list()
  repeat {
    chunk <- readBin(con, "raw", n = 65536L)
    if (length(chunk) == 0L) break
    chunks[[length(chunks) + 1L]] <- chunk
  }
  text <- enc_utf8(rawToChar(unlist(chunks) %||% raw()))
  if (!nzchar(trimws(text))) {
    return(handler_problem("UsageError", paste(
      "no payload: set RDEPLOY_PAYLOAD, RDEPLOY_PAYLOAD_FILE or RDEPLOY_PAYLOAD_URL,",
      "or pipe the JSON payload to stdin")))
  }
  list(ok = TRUE, text = text)
}

`%||%` <- function(a, b) if (is.null(a)) b else a

read_payload_file <- function(path) {
  if (!file.exists(path) || dir.exists(path)) {
    return(handler_problem("PayloadError", sprintf(
      "RDEPLOY_PAYLOAD_FILE '%s' does not exist or is not a file", path)))
  }
  list(ok = TRUE, text = read_raw_file(path))
}

# The URL may carry a secret (a SAS token, a presigned signature): it is never logged or
# echoed; messages name its scheme and host only.
read_payload_url <- function(url) {
  where <- sub("^([A-Za-z]+://[^/?#]*).*$", "\\1", url)
  if (!grepl("^https?://", url, ignore.case = TRUE)) {
    return(handler_problem("UsageError", "RDEPLOY_PAYLOAD_URL must be an http:// or https:// URL"))
  }
  dest <- tempfile("rdeploy-payload-")
  on.exit(unlink(dest), add = TRUE)
  reasons <- character()
  status <- tryCatch(
    withCallingHandlers(
      utils::download.file(url, dest, method = "libcurl", quiet = TRUE, mode = "wb"),
      warning = function(w) {
        reasons <<- c(reasons, conditionMessage(w))
        invokeRestart("muffleWarning")
      }),
    error = function(e) {
      reasons <<- c(reasons, conditionMessage(e))
      -1L
    })
  if (!identical(as.integer(status), 0L) || !file.exists(dest)) {
    reason <- gsub(url, "<url>", paste(unique(reasons), collapse = "; "), fixed = TRUE)
    return(handler_problem("PayloadError", sprintf(
      "could not download the payload from RDEPLOY_PAYLOAD_URL (%s/...): %s", where,
      if (nzchar(reason)) reason else "download failed")))
  }
  list(ok = TRUE, text = read_raw_file(dest))
}
