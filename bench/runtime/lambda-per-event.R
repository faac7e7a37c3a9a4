# The seeds' runtime.r, called once per event by lambda-bootstrap-per-event.sh: start R, load
# jsonlite, source the handler, call it with the event, print the JSON result, exit.
args <- commandArgs(trailingOnly = TRUE)
spec <- Sys.getenv("_HANDLER")
root <- Sys.getenv("LAMBDA_TASK_ROOT")
dot <- regexpr(".", spec, fixed = TRUE)
setwd(root)
sink(stderr()) # the handler file's own output is log, not the result
source(paste0(substr(spec, 1L, dot - 1L), ".R"))
sink()
fn <- get(substr(spec, dot + 1L, nchar(spec)))
event <- jsonlite::fromJSON(args[1])
cat(jsonlite::toJSON(do.call(fn, event), auto_unbox = TRUE, digits = NA))
