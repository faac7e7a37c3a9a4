# http mode: POST /invocations and GET /ping on RDEPLOY_HOST:PORT, served by httpuv
# (HTTP/1.1 keep-alive, Content-Length framing, Connection: close, several connections
# at once: httpuv's I/O thread handles them; handlers run one at a time on R's thread).
#
# Processes: a supervisor (this process) starts RDEPLOY_WORKERS (default 2) worker
# processes, `Rscript main.R http` with RDEPLOY_WORKER=<n>, each a full copy of the handler
# (the handler file is sourced once per worker, at its start) with its own httpuv server on
# the same port: SO_REUSEPORT, set by the native helper before httpuv's bind() (README.md).
# The kernel spreads new connections over the workers; a keep-alive connection stays with one.
# The supervisor restarts a worker that ends (a crash, a kill, the OOM killer), with backoff
# when it keeps ending quickly; SIGTERM/SIGINT stop every worker and then the supervisor,
# exit status 0. Without the native helper the one process serves by itself.
#
# Status codes:
#   200 result JSON
#   400 {"errorType":"PayloadError"}          payload is not JSON (X-Rdeploy-Error: payload)
#   404 / 405 unknown path / wrong method (405 carries Allow)
#   413 {"errorType":"PayloadTooLarge"}       body over RDEPLOY_MAX_PAYLOAD_BYTES (X-Rdeploy-Error: payload)
#   500 {"errorType":<R condition class>}     the handler raised an error (X-Rdeploy-Error: handled)
#   500 {"errorType":"SerializationError"}    result not convertible (X-Rdeploy-Error: serialization)
#   503 {"errorType":"HandlerLoadError",...}  the handler could not be loaded (X-Rdeploy-Error: load);
#       /ping answers 503 too, so a health check sees it and the error is one request away.
# GET/HEAD /ping, once the handler is loaded, is answered by httpuv's I/O thread (a static
# file), so it answers while R is busy in a handler call.

MAX_WORKERS <- 64L
STOP_GRACE_S <- 5

run_mode <- function(ctx) {
  cfg <- http_settings()
  if (!is.null(cfg$problem)) {
    log_line(cfg$problem)
    return(exit_status(2L, "invalid http mode settings"))
  }
  if (!requireNamespace("httpuv", quietly = TRUE)) {
    log_line("package httpuv is not installed; build the runtime library with ",
             "Rscript /opt/rdeploy/runtime/install.R")
    return(exit_status(4L, "httpuv is not installed"))
  }
  worker <- Sys.getenv("RDEPLOY_WORKER")
  if (nzchar(worker)) return(serve(ctx, cfg, worker))
  if (!native_load(ctx$runtime_lib)) {
    log_line("native helper not available (build it with runtime/native/build.R): one process ",
             "serves alone (RDEPLOY_WORKERS ignored), SIGTERM is not handled")
    return(serve(ctx, cfg, NA_character_))
  }
  supervise(ctx, cfg)
}

http_settings <- function() {
  cfg <- list(host = Sys.getenv("RDEPLOY_HOST", "0.0.0.0"))
  cfg$port <- suppressWarnings(as.integer(Sys.getenv("PORT", "8080")))
  if (is.na(cfg$port) || cfg$port < 1L || cfg$port > 65535L) {
    return(list(problem = sprintf("PORT must be a number between 1 and 65535, got '%s'", Sys.getenv("PORT"))))
  }
  workers <- Sys.getenv("RDEPLOY_WORKERS", "2")
  cfg$workers <- suppressWarnings(as.integer(workers))
  if (!grepl("^[0-9]+$", workers) || is.na(cfg$workers) || cfg$workers < 1L || cfg$workers > MAX_WORKERS) {
    return(list(problem = sprintf("RDEPLOY_WORKERS must be a whole number from 1 to %d, got '%s'",
                                  MAX_WORKERS, workers)))
  }
  limit <- Sys.getenv("RDEPLOY_MAX_PAYLOAD_BYTES", "6291456")
  cfg$max_payload <- suppressWarnings(as.numeric(limit))
  if (!grepl("^[0-9]+$", limit) || is.na(cfg$max_payload) || cfg$max_payload < 1) {
    return(list(problem = sprintf("RDEPLOY_MAX_PAYLOAD_BYTES must be a whole number of bytes, got '%s'", limit)))
  }
  cfg
}

# ---------------------------------------------------------------------------- supervisor

supervise <- function(ctx, cfg) {
  runtime_state$who <- sprintf("supervisor (pid %d)", Sys.getpid())
  # Binding without SO_REUSEPORT first: a port already in use (by anything, including another
  # runtime that would happily share it through SO_REUSEPORT) is refused here, once.
  problem <- port_problem(cfg$host, cfg$port)
  if (!is.null(problem)) {
    log_line("cannot listen on ", cfg$host, ":", cfg$port, ": ", problem)
    return(exit_status(4L, sprintf("port %d is not available", cfg$port)))
  }
  catch_signals()
  rscript <- file.path(R.home("bin"), "Rscript")
  main <- file.path(ctx$runtime_dir, "main.R")
  log_line(sprintf("%s starting %d worker%s on %s:%d", runtime_state$who, cfg$workers,
                   if (cfg$workers == 1L) "" else "s", cfg$host, cfg$port))
  workers <- lapply(seq_len(cfg$workers), function(id) {
    list(id = id, pid = 0L, started = 0, quick_exits = 0L, restart_at = 0, done = FALSE)
  })
  start <- function(w) {
    Sys.setenv(RDEPLOY_WORKER = as.character(w$id))
    on.exit(Sys.unsetenv("RDEPLOY_WORKER"))
    w$pid <- spawn_process(rscript, c(main, "http"))
    w$started <- now()
    w$restart_at <- 0
    if (w$pid <= 0L) {
      log_line(sprintf("cannot start worker %d (fork failed); retrying in 1 s", w$id))
      w$pid <- 0L
      w$restart_at <- now() + 1
    }
    w
  }
  workers <- lapply(workers, start)
  last_status <- 0L
  repeat {
    sig <- signal_received()
    if (sig > 0L) return(stop_workers(workers, sig))
    repeat {
      ended <- reap_child()
      if (ended$pid == 0L) break
      i <- Position(function(w) w$pid == ended$pid, workers)
      if (is.na(i)) next # an orphan inherited as PID 1: reaped, nothing else to do
      workers[[i]] <- worker_ended(workers[[i]], ended)
      if (workers[[i]]$done) last_status <- if (ended$code >= 0L) ended$code else 4L
    }
    for (i in seq_along(workers)) {
      w <- workers[[i]]
      if (!w$done && w$pid == 0L && now() >= w$restart_at) workers[[i]] <- start(w)
    }
    if (all(vapply(workers, function(w) w$done, TRUE))) {
      return(exit_status(last_status, "no worker could serve (see the worker lines above)"))
    }
    native_sleep(0.1)
  }
}

now <- function() proc.time()[["elapsed"]]

# Logs why a worker ended and decides: restart now, restart later (it keeps ending within
# 10 s of starting: 1, 2, 4 ... 30 s), or never (status 2 or 4: settings, port, httpuv, which
# a restart cannot fix).
worker_ended <- function(w, ended) {
  uptime <- now() - w$started
  how <- if (ended$sig > 0L) sprintf("was killed by %s", signal_name(ended$sig)) else
    sprintf("exited with status %d", ended$code)
  who <- sprintf("worker %d (pid %d) %s after %.1f s", w$id, w$pid, how, uptime)
  w$pid <- 0L
  if (ended$sig == 0L && ended$code %in% c(2L, 4L)) {
    log_line(who, "; not restarted: a setup problem that a restart cannot fix")
    w$done <- TRUE
    return(w)
  }
  w$quick_exits <- if (uptime < 10) w$quick_exits + 1L else 0L
  delay <- if (w$quick_exits == 0L) 0 else min(30, 2^(w$quick_exits - 1L))
  log_line(who, sprintf("; restarting it%s", if (delay > 0) sprintf(" in %g s", delay) else ""))
  w$restart_at <- now() + delay
  w
}

# SIGTERM/SIGINT: every worker gets SIGTERM, finishes the call in progress and exits; one
# still running after STOP_GRACE_S is killed. The supervisor then exits 0 (a requested stop
# is a clean stop: `docker stop` shows "Exited (0)", and restart policies treat it as such).
stop_workers <- function(workers, sig) {
  live <- Filter(function(w) w$pid > 0L, workers)
  log_line(sprintf("%s received: stopping %d worker%s", signal_name(sig), length(live),
                   if (length(live) == 1L) "" else "s"))
  for (w in live) tools::pskill(w$pid, tools::SIGTERM)
  pids <- vapply(live, function(w) w$pid, 0L)
  deadline <- now() + STOP_GRACE_S
  while (length(pids) > 0L && now() < deadline) {
    ended <- reap_child()
    if (ended$pid == 0L) {
      native_sleep(0.02)
      next
    }
    if (!ended$pid %in% pids) next
    pids <- setdiff(pids, ended$pid)
    if (ended$sig > 0L || ended$code != 0L) {
      w <- Find(function(w) w$pid == ended$pid, live)
      log_line(sprintf("worker %d (pid %d) %s while stopping", w$id, w$pid,
                       if (ended$sig > 0L) paste("was killed by", signal_name(ended$sig)) else
                         paste("exited with status", ended$code)))
    }
  }
  for (pid in pids) {
    w <- Find(function(w) w$pid == pid, live)
    log_line(sprintf("worker %d (pid %d) did not stop within %g s; killed", w$id, pid, STOP_GRACE_S))
    tools::pskill(pid, tools::SIGKILL)
  }
  exit_status(0L, sprintf("stopped by %s", signal_name(sig)))
}

# ---------------------------------------------------------------------------- one server

serve <- function(ctx, cfg, worker) {
  native <- native_load(ctx$runtime_lib)
  runtime_state$who <- if (is.na(worker)) sprintf("R (pid %d)", Sys.getpid()) else
    sprintf("worker %s (pid %d)", worker, Sys.getpid())
  # Load before listening: requests cannot be served while score.R is being sourced
  # anyway (one R thread), and a refused connection says "not up yet" more honestly
  # than one that hangs.
  handler <- load_handler(ctx$handler, ctx$app_dir)
  if (!handler$ok) log_line(handler$errorType, ": ", handler$errorMessage)
  started <- with_reuseport(tryCatch(
    httpuv::startServer(cfg$host, cfg$port, http_app(handler, cfg)), error = function(e) e))
  server <- started$value
  if (inherits(server, "error")) {
    log_line("cannot listen on ", cfg$host, ":", cfg$port, ": ", conditionMessage(server))
    return(exit_status(4L, sprintf("cannot listen on port %d", cfg$port)))
  }
  nodelay <- enable_nodelay(cfg$port)
  if (is.na(nodelay) || nodelay < 1L) {
    log_line("TCP_NODELAY helper not available (build it with runtime/native/build.R); ",
             "keep-alive responses will be delayed ~40 ms by Nagle + delayed ACK")
  }
  reuseport <- reuseport_listeners(cfg$port) >= 1L
  if (native && !reuseport) {
    log_line("SO_REUSEPORT could not be set (", started$hooked, " bind() slots found in httpuv/libuv); ",
             "other workers cannot share the port")
  }
  log_line(sprintf("listening on http://%s:%d (%shandler %s, httpuv %s, TCP_NODELAY %s, SO_REUSEPORT %s)",
                   cfg$host, cfg$port, if (is.na(worker)) "" else sprintf("worker %s, pid %d, ", worker, Sys.getpid()),
                   ctx$handler, utils::packageVersion("httpuv"),
                   if (isTRUE(nodelay >= 1L)) "on" else "off", if (reuseport) "on" else "off"))
  if (!native || !catch_signals()) {
    repeat httpuv::service(1000)
  }
  repeat {
    httpuv::service(100)
    sig <- signal_received()
    if (sig > 0L) break
  }
  # The call in progress (if any) has returned: let httpuv write what it has, then close.
  for (i in 1:3) httpuv::service(10)
  httpuv::stopServer(server)
  httpuv::service(10)
  exit_status(0L, sprintf("stopped by %s", signal_name(sig)))
}

http_app <- function(handler, cfg) {
  app <- list(
    call = function(req) respond(req, handler, cfg),
    onHeaders = function(req) refuse_large(req, cfg)
  )
  ping <- static_ping()
  if (handler$ok && !is.null(ping)) app$staticPaths <- list("/ping" = ping)
  app
}

# /ping as a static file served by httpuv's I/O thread: answered at once even while R runs a
# handler call (a health check must not time out behind a slow call). Only once the handler
# is loaded: otherwise R answers /ping with the 503 load error. NULL if httpuv has no static
# paths (older than 1.5.0, from the user's library).
static_ping <- function() {
  static_path <- get0("staticPath", envir = asNamespace("httpuv"), inherits = FALSE)
  if (!is.function(static_path)) return(NULL)
  file <- file.path(tempdir(), "ping.json")
  writeBin(charToRaw('{"status":"ok"}'), file)
  static_path(file, indexhtml = FALSE, fallthrough = TRUE)
}

respond <- function(req, handler, cfg) {
  started <- proc.time()[["elapsed"]]
  method <- req$REQUEST_METHOD
  path <- req$PATH_INFO
  res <- tryCatch(route(method, path, req, handler, cfg), error = function(e) {
    log_line("internal error: ", conditionMessage(e))
    json_response(500L, error_json("InternalError", "the R runtime failed to handle the request"),
                  error = "internal")
  })
  log_request(method, path, res$status, started)
  res
}

log_request <- function(method, path, status, started) {
  log_line(sprintf("%s %s %d %.1fms", log_safe(method), log_safe(path), status,
                   1000 * (proc.time()[["elapsed"]] - started)))
}

route <- function(method, path, req, handler, cfg) {
  if (identical(path, "/ping")) {
    if (!method %in% c("GET", "HEAD")) return(method_not_allowed("GET, HEAD"))
    res <- if (handler$ok) json_response(200L, '{"status":"ok"}') else load_failed(handler)
    return(if (identical(method, "HEAD")) without_body(res) else res)
  }
  if (identical(path, "/invocations")) {
    if (!identical(method, "POST")) return(method_not_allowed("POST"))
    if (!handler$ok) return(load_failed(handler))
    body <- read_body(req, cfg$max_payload)
    if (is.null(body)) return(too_large(cfg$max_payload, NA))
    out <- invoke_handler(handler, body)
    status <- switch(out$kind, ok = 200L, payload = 400L, 500L)
    return(json_response(status, out$body, error = if (out$kind != "ok") out$kind))
  }
  json_response(404L, error_json("NotFound", sprintf(
    "no route for %s; use POST /invocations or GET /ping", log_safe(path, 100L))))
}

# The body as UTF-8 text, or NULL when it is longer than `limit` (a chunked body, whose size
# is only known once read; at most limit + 1 bytes are read).
read_body <- function(req, limit) {
  raw <- req$rook.input$read(limit + 1)
  if (length(raw) > limit) return(NULL)
  text <- rawToChar(raw)
  Encoding(text) <- "UTF-8"
  text
}

# Called by httpuv once the headers are in, before the body is read: a Content-Length over
# the limit is refused at once (the body is never read; the connection is closed after).
refuse_large <- function(req, cfg) {
  length <- req$HTTP_CONTENT_LENGTH
  if (is.null(length)) return(NULL)
  bytes <- suppressWarnings(as.numeric(length))
  if (is.na(bytes) || bytes <= cfg$max_payload) return(NULL)
  started <- proc.time()[["elapsed"]]
  res <- too_large(cfg$max_payload, bytes)
  log_request(req$REQUEST_METHOD, req$PATH_INFO, res$status, started)
  res
}

too_large <- function(limit, bytes) {
  limit <- format(limit, scientific = FALSE)
  res <- json_response(413L, error_json("PayloadTooLarge", if (is.na(bytes)) {
    sprintf("the payload is larger than the limit of %s bytes (RDEPLOY_MAX_PAYLOAD_BYTES)", limit)
  } else {
    sprintf("the payload is %s bytes; the limit is %s bytes (RDEPLOY_MAX_PAYLOAD_BYTES)",
            format(bytes, scientific = FALSE), limit)
  }), error = "payload")
  res$headers$Connection <- "close"
  res
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
