# Start-up fixes for minimal operating systems (sourced by main.R before anything loads utils).

# Lambda's provided.al2023 is Amazon Linux 2023 minimal, which has no `which` program. Base R's
# Sys.which() runs that program through the shell, and fails with "error in running command"
# when it is missing; utils' .onLoad calls Sys.which("uname"), so any handler that loads utils
# (readRDS of a model does) failed to load. Where `which` does not work, Sys.which becomes the
# same search of PATH done in R.
portable_sys_which <- function() {
  works <- tryCatch({
    Sys.which("sh")
    TRUE
  }, error = function(e) FALSE)
  if (works) return(invisible(FALSE))
  search_path <- function(names) {
    dirs <- strsplit(Sys.getenv("PATH"), ":", fixed = TRUE)[[1L]]
    dirs <- dirs[nzchar(dirs)]
    found <- vapply(names, function(name) {
      if (is.na(name)) return(NA_character_)
      candidates <- if (grepl("/", name, fixed = TRUE)) name else file.path(dirs, name)
      for (f in candidates) {
        if (file.exists(f) && !dir.exists(f) && file.access(f, 1L) == 0L) return(f)
      }
      ""
    }, character(1L), USE.NAMES = FALSE)
    names(found) <- names
    found
  }
  base <- baseenv()
  unlockBinding("Sys.which", base)
  assign("Sys.which", search_path, envir = base)
  lockBinding("Sys.which", base)
  log_line("no working `which` on this system: Sys.which() searches PATH in R")
  invisible(TRUE)
}

# The packages R attaches at start-up (R_DEFAULT_PACKAGES). The Lambda bootstrap starts R with
# base only, since attaching utils before portable_sys_which() ran fails on AL2023 minimal, and
# names the usual set in RDEPLOY_DEFAULT_PACKAGES: attached here, in R's own order (.First.sys),
# so a handler sees stats, utils, methods ... exactly as under Rscript.
attach_default_packages <- function() {
  wanted <- Sys.getenv("RDEPLOY_DEFAULT_PACKAGES")
  if (!nzchar(wanted)) return(invisible(character()))
  pkgs <- strsplit(wanted, ",", fixed = TRUE)[[1L]]
  for (pkg in pkgs) {
    suppressPackageStartupMessages(require(pkg, quietly = TRUE, warn.conflicts = FALSE, character.only = TRUE))
  }
  invisible(pkgs)
}
