# lambda mode: ONE persistent R process looping on the AWS Lambda Runtime API 2018-06-01 at
# http://$AWS_LAMBDA_RUNTIME_API (README.md, "lambda mode"). The handler is loaded once, at init;
# each event is one GET .../invocation/next, one handler call, one POST .../response or
# .../error. Never one Rscript per event.
#
# HTTP client: base R's socketConnection(), one connection per request (Connection: close).
# The Runtime API is plain HTTP on loopback; base R has no HTTP client that can POST or read
# response headers (url()/download.file() GET only, curlGetHeaders() has no body), and httpuv
# is a server. So the runtime's dependencies stay jsonlite (+ httpuv for http mode).
#
# Exit codes: 2 AWS_LAMBDA_RUNTIME_API missing or malformed; 3 the handler could not be loaded
# (after POST /runtime/init/error); 4 the Runtime API cannot be reached (after retries).

RAPI_VERSION <- "2018-06-01"
RAPI_IO_TIMEOUT_S <- 30L # connect and write timeout; `next` itself waits for as long as it takes
RAPI_ATTEMPTS <- 3L

run_mode <- function(ctx) {
  runtime_state$who <- sprintf("lambda runtime (pid %d)", Sys.getpid())
  api <- parse_runtime_api(Sys.getenv("AWS_LAMBDA_RUNTIME_API"))
  if (!is.null(api$problem)) {
    log_line(api$problem)
    return(exit_status(2L, "no usable Runtime API address"))
  }
  # Lambda's own variables first (what a deployed function has), then the runtime's.
  # The messages name the variable each value came from.
  spec <- Sys.getenv("_HANDLER")
  handler_var <- "_HANDLER"
  if (!nzchar(spec)) {
    spec <- ctx$handler
    handler_var <- "RDEPLOY_HANDLER"
  }
  app_dir <- Sys.getenv("LAMBDA_TASK_ROOT")
  app_dir_var <- "LAMBDA_TASK_ROOT"
  if (!nzchar(app_dir)) {
    app_dir <- ctx$app_dir
    app_dir_var <- "RDEPLOY_APP_DIR"
  }
  handler <- load_handler(spec, app_dir, handler_var, app_dir_var)
  if (!handler$ok) {
    log_line(handler$errorType, ": ", handler$errorMessage)
    sent <- rapi_call(api, "POST", rapi_path("runtime/init/error"),
                      body = lambda_error_body(handler$errorType, handler$errorMessage),
                      headers = c("Lambda-Runtime-Function-Error-Type" = handler$errorType,
                                  "Content-Type" = "application/json"))
    if (!is.null(sent$problem)) log_line("could not report the init error: ", sent$problem)
    return(exit_status(3L, "the handler could not be loaded (reported to /runtime/init/error)"))
  }
  wants_context <- "context" %in% names(formals(handler$fn))
  warm_up()
  log_line(sprintf("serving handler %s on the Runtime API at %s:%d%s", spec, api$host, api$port,
                   if (wants_context) " (the handler takes `context`)" else ""))
  failures <- 0L
  repeat {
    event <- rapi_call(api, "GET", rapi_path("runtime/invocation/next"), wait = TRUE)
    if (!is.null(event$problem) || event$status != 200L) {
      failures <- failures + 1L
      why <- if (!is.null(event$problem)) event$problem else
        sprintf("status %d: %s", event$status, log_safe(rawToChar(event$body)))
      log_line("GET /runtime/invocation/next failed (", failures, " of ", RAPI_ATTEMPTS, "): ", why)
      if (failures >= RAPI_ATTEMPTS) {
        return(exit_status(4L, "the Runtime API cannot be reached"))
      }
      Sys.sleep(0.1 * 2^(failures - 1L))
      next
    }
    failures <- 0L
    serve_event_safely(api, handler, event, wants_context)
  }
}

# The first two events used to pay 100-170 ms each (bench/lambda/cold-start.mjs): R's JIT
# compiling the runtime's own functions on their first calls (they are sourced, not installed,
# so not byte-compiled), and loading jsonlite. Compiling them all ahead cost 550 ms of init for
# ~150 ms saved, so instead the runtime's code runs interpreted (it is straight-line code that
# runs once per event: 2-3 ms) and only the handler runs under the JIT level R started with
# (handler.R, with_user_jit). jsonlite is loaded and exercised here, at init.
warm_up <- function() {
  runtime_jit_off()
  invisible(jsonlite::toJSON(jsonlite::fromJSON('{"warm": [1, 2]}', simplifyVector = TRUE), auto_unbox = TRUE, digits = NA))
  invisible(jsonlite::fromJSON('{"warm": true}', simplifyVector = FALSE))
}

# serve_event, and whatever R error escapes it (a bug, or an event shape nobody foresaw) fails
# that one invocation (POST /error, Runtime.UnhandledError) instead of the persistent process.
serve_event_safely <- function(api, handler, event, wants_context) {
  tryCatch(serve_event(api, handler, event, wants_context), error = function(e) {
    message <- paste("the runtime failed on this event:", one_line(conditionMessage(e)))
    log_line(message)
    id <- event$headers[["lambda-runtime-aws-request-id"]]
    if (is_request_id(id)) {
      post_result(api, id, "error", lambda_error_body("Runtime.UnhandledError", message),
                  error_type = "Runtime.UnhandledError")
    }
  })
  invisible()
}

# A request id goes into the request path as it is: only ids Lambda issues (UUIDs) and the
# like are taken; anything else could change the path.
is_request_id <- function(id) {
  is.character(id) && length(id) == 1L && !is.na(id) && grepl("^[A-Za-z0-9._-]+$", id)
}

# An error type goes into a header: token characters only (RFC 9110), so a condition class
# holding CR/LF or a colon cannot add a header.
header_token <- function(type) {
  token <- gsub("[^!#$%&'*+.^_`|~0-9A-Za-z-]", "", paste(type, collapse = ""))
  if (nzchar(token)) token else "Unhandled"
}

# "host:port" (Lambda sets 127.0.0.1:9001) -> list(host, port) or list(problem).
parse_runtime_api <- function(value) {
  host <- gsub("^\\[|\\]$", "", sub(":[0-9]{1,5}$", "", value))
  port <- suppressWarnings(as.integer(sub("^.*:", "", value)))
  if (!grepl("^[^/ ]+:[0-9]{1,5}$", value) || !nzchar(host) || is.na(port) || port < 1L || port > 65535L) {
    return(list(problem = sprintf(paste(
      "AWS_LAMBDA_RUNTIME_API must be host:port (Lambda sets it, e.g. 127.0.0.1:9001), got '%s';",
      "lambda mode runs inside Lambda or against a Runtime API such as rdeploy's local twin"),
      log_safe(value))))
  }
  list(host = host, port = port)
}

rapi_path <- function(what) paste0("/", RAPI_VERSION, "/", what)

# ---------------------------------------------------------------------------- one event

serve_event <- function(api, handler, event, wants_context) {
  h <- event$headers
  id <- h[["lambda-runtime-aws-request-id"]]
  if (is.null(id) || !nzchar(id)) {
    log_line("the Runtime API sent an event without Lambda-Runtime-Aws-Request-Id; skipped")
    return(invisible())
  }
  if (!is_request_id(id)) {
    log_line(sprintf("the Runtime API sent an event whose request id '%s' is not [A-Za-z0-9._-]; skipped",
                     log_safe(id)))
    return(invisible())
  }
  trace <- h[["lambda-runtime-trace-id"]]
  if (is.null(trace)) Sys.unsetenv("_X_AMZN_TRACE_ID") else Sys.setenv("_X_AMZN_TRACE_ID" = trace)
  text <- rawToChar(event$body)
  Encoding(text) <- "UTF-8"
  extra <- if (wants_context) list(context = lambda_context(h, id))
  http_event <- if (validUTF8(text)) http_event_kind(text) else NA_character_
  if (!is.na(http_event)) {
    answer <- serve_http_event(handler, text, http_event, extra)
    return(post_result(api, id, "response", answer))
  }
  out <- invoke_handler(handler, text, extra)
  if (out$kind == "ok") return(post_result(api, id, "response", out$body))
  parsed <- jsonlite::fromJSON(out$body, simplifyVector = FALSE)
  post_result(api, id, "error", lambda_error_body(parsed$errorType, parsed$errorMessage),
              error_type = parsed$errorType)
}

post_result <- function(api, id, what, body, error_type = NULL) {
  headers <- c("Content-Type" = "application/json")
  if (!is.null(error_type)) headers[["Lambda-Runtime-Function-Error-Type"]] <- header_token(error_type)
  sent <- rapi_call(api, "POST", rapi_path(sprintf("runtime/invocation/%s/%s", id, what)),
                    body = body, headers = headers)
  if (!is.null(sent$problem)) {
    log_line(sprintf("POST .../%s for request %s failed: %s", what, log_safe(id), sent$problem))
  } else if (sent$status != 202L) {
    # 413 (result over 6 MB): Lambda fails the invocation with Function.ResponseSizeTooLarge.
    log_line(sprintf("POST .../%s for request %s: status %d: %s", what, log_safe(id), sent$status,
                     log_safe(rawToChar(sent$body))))
  }
  invisible(sent)
}

# The standard Lambda error document ({errorMessage, errorType, stackTrace}). stackTrace is
# empty: R's call stack at the error is not kept by the scoring contract, and the message says
# what went wrong.
lambda_error_body <- function(type, message) {
  as.character(jsonlite::toJSON(list(errorMessage = message, errorType = type, stackTrace = list()),
                                auto_unbox = TRUE))
}

# The optional `context` argument, passed only to handlers whose formals name it.
lambda_context <- function(h, id) {
  deadline <- suppressWarnings(as.numeric(h[["lambda-runtime-deadline-ms"]] %||% NA))
  list(
    request_id = id,
    deadline_ms = deadline,
    function_arn = h[["lambda-runtime-invoked-function-arn"]],
    trace_id = h[["lambda-runtime-trace-id"]],
    client_context = h[["lambda-runtime-client-context"]],
    cognito_identity = h[["lambda-runtime-cognito-identity"]],
    tenant_id = h[["lambda-runtime-aws-tenant-id"]],
    function_name = env_or_null("AWS_LAMBDA_FUNCTION_NAME"),
    function_version = env_or_null("AWS_LAMBDA_FUNCTION_VERSION"),
    memory_limit_mb = suppressWarnings(as.integer(env_or_null("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") %||% NA)),
    remaining_time_ms = function() deadline - as.numeric(Sys.time()) * 1000
  )
}

env_or_null <- function(name) {
  value <- Sys.getenv(name)
  if (nzchar(value)) value else NULL
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# ---------------------------------------------------------------------------- HTTP events

# "v1" (API Gateway REST: httpMethod), "v2" (API Gateway HTTP API / Function URL: version 2.0
# with requestContext.http) or NA (any other event: the payload itself, e.g. an EventBridge
# Scheduler event, which delivers its input as it is). A cheap text check first, so that a
# plain 5 MB payload is not parsed twice.
http_event_kind <- function(text) {
  if (!grepl("\"requestContext\"", text, fixed = TRUE)) return(NA_character_)
  if (!grepl("^\\s*\\{", substr(text, 1L, 64L))) return(NA_character_)
  event <- tryCatch(jsonlite::fromJSON(text, simplifyVector = FALSE), error = function(e) NULL)
  if (!is.list(event) || !is.list(event$requestContext)) return(NA_character_)
  if (identical(event$version, "2.0") && is.list(event$requestContext$http)) return("v2")
  if (is.character(event$httpMethod)) return("v1")
  NA_character_
}

# The request body is the payload (base64-decoded when isBase64Encoded); the answer is the
# proxy integration's {statusCode, headers, body}. Every outcome is a successful invocation
# for Lambda: the status code carries the error (400 bad payload, 500 R error), as in http mode.
serve_http_event <- function(handler, text, kind, extra) {
  event <- jsonlite::fromJSON(text, simplifyVector = FALSE)
  body <- event$body
  if (is.null(body)) body <- ""
  if (!is.character(body) || length(body) != 1L || is.na(body)) {
    return(http_answer(400L, error_json("PayloadError", "the request body is not a string")))
  }
  if (isTRUE(event$isBase64Encoded) && nzchar(body)) {
    decoded <- tryCatch(rawToChar(jsonlite::base64_dec(body)), error = function(e) NULL)
    if (is.null(decoded)) {
      return(http_answer(400L, error_json("PayloadError", "the request body is not valid base64")))
    }
    body <- decoded
  }
  Encoding(body) <- "UTF-8"
  out <- invoke_handler(handler, body, extra)
  http_answer(switch(out$kind, ok = 200L, payload = 400L, 500L), out$body)
}

http_answer <- function(status, json_text) {
  as.character(jsonlite::toJSON(list(statusCode = status,
                                     headers = list("content-type" = "application/json"),
                                     body = json_text), auto_unbox = TRUE))
}

# ---------------------------------------------------------------------------- HTTP client

# One HTTP/1.1 request on a fresh connection (Connection: close). Returns list(status,
# headers (names lower-case), body (raw)) or list(problem). `wait`: the answer may take any
# time (the long poll of /next): wait for it without a deadline, in 60 s select() slices.
# Request head and body go out in one write (no Nagle stall between them); the answer is
# framed by Content-Length, chunked transfer coding, or the end of the connection.
rapi_call <- function(api, method, path, body = NULL, headers = character(), wait = FALSE) {
  con <- tryCatch(suppressWarnings(socketConnection(api$host, api$port, blocking = FALSE,
                                                    open = "r+b", timeout = RAPI_IO_TIMEOUT_S)),
                  error = function(e) e)
  if (inherits(con, "error")) {
    return(list(problem = sprintf("cannot connect to %s:%d (%s)", api$host, api$port,
                                  conditionMessage(con))))
  }
  on.exit(close(con))
  payload <- if (is.null(body)) raw() else if (is.raw(body)) body else charToRaw(enc2utf8(body))
  head <- paste0(method, " ", path, " HTTP/1.1\r\nHost: ", api$host, ":", api$port,
                 "\r\nUser-Agent: rdeploy-r-runtime\r\nConnection: close\r\n",
                 if (!is.null(body)) paste0("Content-Length: ", length(payload), "\r\n"),
                 if (length(headers)) paste0(names(headers), ": ", headers, "\r\n", collapse = ""),
                 "\r\n")
  wrote <- tryCatch({
    writeBin(c(charToRaw(head), payload), con)
    TRUE
  }, error = function(e) e)
  if (!isTRUE(wrote)) return(list(problem = paste("cannot send the request:", conditionMessage(wrote))))
  read_answer(con, wait)
}

read_answer <- function(con, wait) {
  chunks <- list()
  total <- 0
  parsed <- NULL
  need <- Inf
  slice <- 1048576L
  drained <- TRUE # the last read emptied the socket: wait in select() before the next one
  repeat {
    if (drained) {
      ready <- socketSelect(list(con), write = FALSE, timeout = if (wait) 60 else RAPI_IO_TIMEOUT_S)
      if (!ready) {
        if (wait) next
        return(list(problem = sprintf("no answer within %d s", RAPI_IO_TIMEOUT_S)))
      }
    }
    chunk <- readBin(con, "raw", slice)
    # 0 bytes is the end of the connection only right after select() said the socket was
    # readable; after a full slice it only means "nothing more yet": back to select().
    if (length(chunk) == 0L) {
      if (drained) break
      drained <- TRUE
      next
    }
    drained <- length(chunk) < slice
    chunks[[length(chunks) + 1L]] <- chunk
    total <- total + length(chunk)
    if (is.null(parsed)) {
      buf <- unlist(chunks)
      end <- grepRaw("\r\n\r\n", buf, fixed = TRUE)
      if (length(end) == 0L) next
      parsed <- parse_head(rawToChar(buf[seq_len(end - 1L)]))
      if (!is.null(parsed$problem)) return(parsed)
      chunks <- list(buf[-seq_len(end + 3L)])
      total <- length(chunks[[1]])
      length_header <- parsed$headers[["content-length"]]
      chunked <- grepl("chunked", parsed$headers[["transfer-encoding"]] %||% "", ignore.case = TRUE)
      if (!chunked && !is.null(length_header)) need <- as.numeric(length_header)
    }
    if (total >= need) break
  }
  if (is.null(parsed)) return(list(problem = "the connection closed before an HTTP answer"))
  body <- unlist(chunks) %||% raw()
  if (grepl("chunked", parsed$headers[["transfer-encoding"]] %||% "", ignore.case = TRUE)) {
    body <- dechunk(body)
    if (is.null(body)) return(list(problem = "malformed chunked answer"))
  } else if (is.finite(need)) {
    if (length(body) < need) return(list(problem = "the connection closed in the middle of the answer"))
    body <- body[seq_len(need)]
  }
  list(status = parsed$status, headers = parsed$headers, body = body)
}

parse_head <- function(text) {
  lines <- strsplit(text, "\r\n", fixed = TRUE)[[1]]
  status <- suppressWarnings(as.integer(sub("^HTTP/1\\.[01] ([0-9]{3}).*$", "\\1", lines[1])))
  if (is.na(status)) return(list(problem = paste("not an HTTP answer:", log_safe(lines[1], 80L))))
  fields <- lines[-1]
  colon <- regexpr(":", fields, fixed = TRUE)
  fields <- fields[colon > 0L]
  colon <- colon[colon > 0L]
  headers <- as.list(trimws(substring(fields, colon + 1L)))
  names(headers) <- tolower(substr(fields, 1L, colon - 1L))
  list(status = status, headers = headers)
}

# Chunked transfer coding (RFC 9112 7.1): hex size [;ext] CRLF data CRLF ... 0 CRLF [trailers]
# CRLF. NULL when malformed.
dechunk <- function(buf) {
  out <- list()
  pos <- 1L
  repeat {
    eol <- grepRaw("\r\n", buf, offset = pos, fixed = TRUE)
    if (length(eol) == 0L) return(NULL)
    size_text <- sub(";.*$", "", rawToChar(buf[pos:(eol - 1L)]))
    size <- suppressWarnings(strtoi(trimws(size_text), 16L))
    if (is.na(size)) return(NULL)
    if (size == 0L) break
    start <- eol + 2L
    if (start + size - 1L > length(buf)) return(NULL)
    out[[length(out) + 1L]] <- buf[start:(start + size - 1L)]
    pos <- start + size + 2L
  }
  unlist(out) %||% raw()
}
