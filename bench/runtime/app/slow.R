# Benchmark handlers for bench/runtime/workers.mjs: a slow call (slow.slow) and which worker
# process answered (slow.whoami). The keep-alive benchmark uses score.R.
slow <- function(seconds = 2) {
  Sys.sleep(seconds)
  list(pid = Sys.getpid())
}

whoami <- function() list(pid = Sys.getpid())
