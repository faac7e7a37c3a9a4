# Runtime log lines go to stderr: it is unbuffered (lines show up live in `docker logs`),
# and in job mode stdout carries nothing but the result.
log_line <- function(...) {
  cat("[rdeploy] ", ..., "\n", sep = "", file = stderr())
}

# Request paths come from clients: keep log lines one line long and printable.
log_safe <- function(text, max = 200L) {
  text <- gsub("[^[:print:]]", "?", text)
  if (nchar(text) > max) paste0(substr(text, 1L, max), "...") else text
}
