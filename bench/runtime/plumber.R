# The same handler served by plumber 1.2.1, for bench/runtime/http-vs-plumber.mjs.
# Same contract as the R Deploy runtime: JSON body decoded with simplifyVector, an object
# spread into named arguments, the result encoded with the same toJSON options.
#   PORT=8000 RDEPLOY_APP_DIR=bench/runtime/app Rscript bench/runtime/plumber.R
library(plumber)
setwd(Sys.getenv("RDEPLOY_APP_DIR", "."))
source("score.R", local = globalenv())
port <- as.integer(Sys.getenv("PORT", "8000"))

invocations <- function(req) {
  text <- req$postBody
  value <- jsonlite::fromJSON(text, simplifyVector = TRUE)
  args <- if (startsWith(trimws(text, which = "left"), "{")) value else list(value)
  do.call(score, args, quote = TRUE)
}

pr() |>
  pr_get("/ping", function() list(status = "ok"), serializer = serializer_unboxed_json()) |>
  pr_post("/invocations", invocations,
          serializer = serializer_json(auto_unbox = TRUE, digits = NA, dataframe = "rows",
                                       null = "null", na = "null")) |>
  pr_run(host = "127.0.0.1", port = port, docs = FALSE, quiet = TRUE)
