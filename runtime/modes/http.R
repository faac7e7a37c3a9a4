# http mode: POST /invocations and GET /ping on RDEPLOY_HOST:PORT, served by httpuv
# (HTTP/1.1 keep-alive, Content-Length framing, Connection: close, several connections
# at once: httpuv's I/O thread handles them; handlers run one at a time on R's thread).
#
# Status codes:
#   200 result JSON
#   400 {"errorType":"PayloadError"}          payload is not JSON (X-Rdeploy-Error: payload)
#   404 / 405 unknown path / wrong method (405 carries Allow)
#   500 {"errorType":<R condition class>}     the handler raised an error (X-Rdeploy-Error: handled)
#   500 {"errorType":"SerializationError"}    result not convertible (X-Rdeploy-Error: serialization)
#   503 {"errorType":"HandlerLoadError",...}  the handler could not be loaded (X-Rdeploy-Error: load);
#       /ping answers 503 too, so a health check sees it and the error is one request away.

run_mode <- function(ctx) {
  host <- Sys.getenv("RDEPLOY_HOST", "0.0.0.0")
  port <- suppressWarnings(as.integer(Sys.getenv("PORT", "8080")))
  if (is.na(port) || port < 1L || port > 65535L) {
    log_line("PORT must be a number between 1 and 65535, got '", Sys.getenv("PORT"), "'")
    return(2L)
  }
  if (!requireNamespace("httpuv", quietly = TRUE)) {
    log_line("package httpuv is not installed; build the runtime library with ",
             "Rscript /opt/rdeploy/runtime/install.R")
    return(4L)
  }
  # Load before listening: requests cannot be served while score.R is being sourced
  # anyway (one R thread), and a refused connection says "not up yet" more honestly
  # than one that hangs.
  handler <- load_handler(ctx$handler, ctx$app_dir)
  if (!handler$ok) log_line(handler$errorType, ": ", handler$errorMessage)
  app <- list(call = function(req) respond(req, handler))
  server <- tryCatch(httpuv::startServer(host, port, app), error = function(e) e)
  if (inherits(server, "error")) {
    log_line("cannot listen on ", host, ":", port, ": ", conditionMessage(server))
    return(4L)
  }
  nodelay <- enable_nodelay(ctx$runtime_lib, port)
  if (is.na(nodelay) || nodelay < 1L) {
    log_line("TCP_NODELAY helper not available (build it with runtime/native/build.R); ",
             "keep-alive responses will be delayed ~40 ms by Nagle + delayed ACK")
  }
  log_line(sprintf("listening on http://%s:%d (handler %s, httpuv %s, TCP_NODELAY %s)",
                   host, port, ctx$handler, utils::packageVersion("httpuv"),
                   if (isTRUE(nodelay >= 1L)) "on" else "off"))
  repeat httpuv::service(1000)
}

respond <- function(req, handler) {
  started <- proc.time()[["elapsed"]]
  method <- req$REQUEST_METHOD
  path <- req$PATH_INFO
  res <- tryCatch(route(method, path, req, handler), error = function(e) {
    log_line("internal error: ", conditionMessage(e))
    json_response(500L, error_json("InternalError", "the R runtime failed to handle the request"),
                  error = "internal")
  })
  log_line(sprintf("%s %s %d %.1fms", log_safe(method), log_safe(path), res$status,
                   1000 * (proc.time()[["elapsed"]] - started)))
  res
}

route <- function(method, path, req, handler) {
  if (identical(path, "/ping")) {
    if (!method %in% c("GET", "HEAD")) return(method_not_allowed("GET, HEAD"))
    res <- if (handler$ok) json_response(200L, '{"status":"ok"}') else load_failed(handler)
    return(if (identical(method, "HEAD")) without_body(res) else res)
  }
  if (identical(path, "/invocations")) {
    if (!identical(method, "POST")) return(method_not_allowed("POST"))
    if (!handler$ok) return(load_failed(handler))
    out <- invoke_handler(handler, read_body(req))
    status <- switch(out$kind, ok = 200L, payload = 400L, 500L)
    return(json_response(status, out$body, error = if (out$kind != "ok") out$kind))
  }
  json_response(404L, error_json("NotFound", sprintf(
    "no route for %s; use POST /invocations or GET /ping", log_safe(path, 100L))))
}

read_body <- function(req) {
  raw <- req$rook.input$read()
  text <- rawToChar(raw)
  Encoding(text) <- "UTF-8"
  text
}

load_failed <- function(handler) {
  json_response(503L, error_json(handler$errorType, handler$errorMessage), error = "load")
}

method_not_allowed <- function(allow) {
  res <- json_response(405L, error_json("MethodNotAllowed", paste("use", allow)))
  res$headers$Allow <- allow
  res
}

# HEAD: the headers of the GET answer, no body. httpuv would send a body if given one
# (which breaks the next response on a keep-alive connection); with body NULL it writes
# the Content-Length header we set and nothing after the headers.
without_body <- function(res) {
  res$headers[["Content-Length"]] <- as.character(length(res$body))
  res$body <- NULL
  res
}

json_response <- function(status, body, error = NULL) {
  headers <- list("Content-Type" = "application/json; charset=utf-8")
  if (!is.null(error)) headers[["X-Rdeploy-Error"]] <- error
  # A raw body: httpuv sends the bytes as they are (UTF-8) with their exact length.
  list(status = status, headers = headers, body = charToRaw(body))
}
